package io.quondam.load;

import io.quondam.config.Settings;
import java.util.HashMap;

/** {@code --name value} command-line arguments, read through {@link Settings} so every problem is named at once. */
final class CliArguments {
    private CliArguments() {
    }

    static Settings parse(String[] args) {
        var values = new HashMap<String, String>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "' (options are --name value)");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                values.put(args[i], "true");
            } else {
                values.put(args[i], args[++i]);
            }
        }
        return Settings.of(values);
    }
}
