package io.quondam.load;

import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code --name value} arguments of a command-line tool, read through {@link Settings} so that every problem is
 * named at once: a malformed or out-of-range value, and an option the tool does not know. {@code --help} prints the
 * tool's usage.
 */
final class CliArguments {
    private final String program;
    private final Map<String, String> given;
    private final Settings settings;

    private CliArguments(String program, Map<String, String> given) {
        this.program = program;
        this.given = given;
        this.settings = Settings.of(given);
    }

    /** Parses {@code args}; prints {@code usage} and exits 0 on {@code --help}, exits 2 on a stray word. */
    static CliArguments parse(String program, String usage, String[] args) {
        var values = new LinkedHashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                System.out.print(usage.endsWith("\n") ? usage : usage + "\n");
                System.exit(0);
            }
            if (!args[i].startsWith("--")) {
                System.err.println(program + ": unexpected argument '" + args[i] + "' (options are --name value;"
                        + " see --help)");
                System.exit(2);
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                values.put(args[i], "true");
            } else {
                values.put(args[i], args[++i]);
            }
        }
        return new CliArguments(program, values);
    }

    Settings settings() {
        return settings;
    }

    /**
     * Call once every option has been read: exits with status 2 and one message naming every bad value and every
     * option that no read asked for (a misspelt option would otherwise be ignored in silence).
     */
    void validateOrExit() {
        given.keySet().stream().filter(name -> !settings.settingsRead().containsKey(name))
                .forEach(name -> settings.problem(name + " is not an option of " + program + " (see --help)"));
        try {
            settings.validate();
        } catch (ConfigException e) {
            System.err.println(program + ": " + e.getMessage());
            System.exit(2);
        }
    }
}
