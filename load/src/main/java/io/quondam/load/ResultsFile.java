package io.quondam.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A run's tables as a dated Markdown file under {@code docs/results/}, headed by the command that produced them, the
 * machine and the commit. The documentation points at these files instead of retyping figures.
 */
public final class ResultsFile {
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm", Locale.ROOT);

    private ResultsFile() {
    }

    /**
     * Writes {@code <directory>/<kind>-<UTC date and time>.md} and returns its path.
     *
     * @param script the script a user runs, e.g. {@code scripts/bench.sh}
     * @param settingsPrefix the prefix of the environment variables that configure it, e.g. {@code BENCH_}
     * @param tables the tables as the script printed them; they are written as one code block
     */
    public static Path write(Path directory, String kind, String title, String script, String settingsPrefix,
                             String tables) {
        var now = ZonedDateTime.now(ZoneOffset.UTC);
        Path file = directory.resolve(kind + "-" + FILE_TIME.format(now) + ".md");
        String text = "# " + title + "\n\n"
                + "| | |\n|---|---|\n"
                + "| command | `" + command(script, settingsPrefix) + "` |\n"
                + "| finished | " + now.withNano(0).toLocalDateTime().toString().replace('T', ' ') + " UTC |\n"
                + "| machine | " + machine() + " |\n"
                + "| commit | " + commit() + " |\n\n"
                + "Written by the command above; see the page in `docs/` that explains these tables.\n\n"
                + "```\n" + tables.strip() + "\n```\n";
        try {
            Files.createDirectories(directory);
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** The script with the settings of this run that differ from the defaults, as a user would type them. */
    static String command(String script, String settingsPrefix) {
        Map<String, String> given = new TreeMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith(settingsPrefix)) {
                given.put(name, value);
            }
        });
        return given.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + " ")
                .collect(Collectors.joining()) + script;
    }

    /** Operating system, CPUs, memory and Java version: what a reader needs to weigh absolute figures. */
    public static String machine() {
        long memoryKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memoryKb = Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: leave the memory out
        }
        return String.format(Locale.ROOT, "%s %s, %d CPUs, %s, Java %s", System.getProperty("os.name"),
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(),
                memoryKb == 0 ? "memory unknown" : Math.round(memoryKb / 1024.0 / 1024.0) + " GiB",
                System.getProperty("java.version"));
    }

    /** The commit checked out, marked when tracked files differ from it; "unknown" outside a git work tree. */
    static String commit() {
        String head = git("rev-parse", "--short=12", "HEAD");
        if (head.isEmpty()) {
            return "unknown";
        }
        return git("status", "--porcelain", "--untracked-files=no").isEmpty() ? head
                : head + " with uncommitted changes";
    }

    private static String git(String... arguments) {
        var command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(arguments));
        try {
            var process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return "";
            }
            return output;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
