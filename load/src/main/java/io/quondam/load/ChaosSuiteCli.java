package io.quondam.load;

import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code scripts/chaos-suite.sh}: runs the fault matrix ({@link ChaosScenarios}), each scenario on a fresh local stack
 * under {@code .stack/chaos}, and prints one row per scenario and, as the last line, a JSON summary. Exits 1 when any
 * scenario leaked, lost or could not be verified, 2 on bad settings.
 */
public final class ChaosSuiteCli {
    private ChaosSuiteCli() {
    }

    public static void main(String[] args) throws Exception {
        var settings = Settings.fromEnvironment(args);
        double scale = scale(settings);
        int rate = settings.integer("CHAOS_RATE", 1_000, 10, 100_000);
        String wanted = settings.string("CHAOS_SCENARIOS", "all");
        String resultsDir = settings.string("CHAOS_RESULTS_DIR", "docs/results");
        var scenarios = select(wanted, settings);
        try {
            settings.validate();
        } catch (ConfigException e) {
            System.err.println("chaos-suite: " + e.getMessage());
            System.exit(2);
        }
        Path dir = Path.of(".stack", "chaos").toAbsolutePath();
        Files.createDirectories(dir);
        System.out.printf(Locale.ROOT, "fault matrix: %d scenario(s), CHAOS_SCALE %.2f, %,d payments/s, stacks in %s%n",
                scenarios.size(), scale, rate, dir);
        var results = run(scenarios, new ChaosRun(dir, scale, rate, System.out));
        System.out.println();
        System.out.println(ChaosResult.header());
        results.forEach(result -> System.out.println(result.row()));
        System.out.println(json(results));
        if (!resultsDir.isBlank()) {
            Path file = ResultsFile.write(Path.of(resultsDir), "chaos", "Fault matrix results",
                    "scripts/chaos-suite.sh", "CHAOS_", ChaosResult.header() + "\n" + results.stream()
                            .map(ChaosResult::row).collect(Collectors.joining("\n")));
            System.out.println("wrote " + file);
        }
        System.exit(results.stream().allMatch(ChaosResult::passed) ? 0 : 1);
    }

    static List<ChaosResult> run(List<ChaosScenario> scenarios, ChaosRun runner) {
        var results = new ArrayList<ChaosResult>();
        for (var scenario : scenarios) {
            var result = runner.run(scenario);
            System.out.println(result.row());
            results.add(result);
        }
        return results;
    }

    static String json(List<ChaosResult> results) {
        return results.stream().map(ChaosResult::json).collect(Collectors.joining(",", "{\"scenarios\":[", "]}"));
    }

    /** The scenarios named in {@code wanted} (comma-separated, or {@code all}), in the matrix's order. */
    static List<ChaosScenario> select(String wanted, Settings settings) {
        var all = ChaosScenarios.all();
        if (wanted.equals("all")) {
            return all;
        }
        var names = Arrays.stream(wanted.split(",")).map(String::trim).filter(name -> !name.isEmpty()).toList();
        if (names.isEmpty()) {
            settings.problem("CHAOS_SCENARIOS names no scenario: give 'all' or a comma-separated list");
        }
        var known = all.stream().map(ChaosScenario::name).toList();
        names.stream().filter(name -> !known.contains(name)).forEach(name -> settings.problem(
                "CHAOS_SCENARIOS: unknown scenario '" + name + "' (known: " + String.join(", ", known) + ")"));
        return all.stream().filter(scenario -> names.contains(scenario.name())).toList();
    }

    /** CHAOS_SCALE, a factor from 0.05 to 10 on every scenario's length and fault durations. */
    private static double scale(Settings settings) {
        String value = settings.string("CHAOS_SCALE", "1.0");
        try {
            double scale = Double.parseDouble(value);
            if (scale >= 0.05 && scale <= 10) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        settings.problem("CHAOS_SCALE must be a number from 0.05 to 10, not '" + value + "'");
        return 1.0;
    }
}
