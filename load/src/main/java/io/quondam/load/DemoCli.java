package io.quondam.load;

import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import io.quondam.stack.LocalStack;
import io.quondam.stack.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code scripts/demo.sh}: starts a fresh local stack with PostgreSQL under {@code .stack/demo} (free ports, so it
 * never clashes with {@code scripts/stack.sh}), runs the {@link Demo}, prints the report and, as the last line, one
 * JSON object. Exits 1 when anything leaked or was lost, 2 on bad settings; stops everything it started.
 */
public final class DemoCli {
    private DemoCli() {
    }

    public static void main(String[] args) throws Exception {
        var settings = Settings.fromEnvironment(args);
        var options = new Demo.Options(
                settings.integer("DEMO_EVENTS", 100_000, 100, 10_000_000),
                settings.integer("DEMO_DUPLICATE_PERCENT", 30, 0, 90),
                settings.integer("DEMO_MALFORMED_PERCENT", 1, 0, 9),
                settings.integer("DEMO_SEED", 42, 0, Integer.MAX_VALUE),
                settings.integer("DEMO_RATE", 4_000, 100, 1_000_000));
        try {
            settings.validate();
        } catch (ConfigException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(2);
        }
        Path dir = Path.of(".stack", "demo").toAbsolutePath();
        Files.createDirectories(dir);
        System.out.println("starting the local stack in " + dir + " (Kafka, Redis + Sentinels, PostgreSQL)...");
        Demo.Outcome outcome;
        try (var stack = LocalStack.start(StackOptions.ephemeral(dir).withTopics(Demo.topics()))) {
            stack.startPostgres();
            System.out.printf("stack up: Kafka %s, Redis master %s, PostgreSQL %s%n", stack.bootstrapServers(),
                    stack.currentMasterAddress(), stack.postgres().jdbcUrl());
            outcome = new Demo(stack, System.out).run(options);
            System.out.println("stopping the stack");
        }
        System.out.println();
        System.out.println(outcome.report().human());
        System.out.printf("Redis failovers    %d, processor restarts %d, %.0f s%n", outcome.redisFailovers(),
                outcome.processorRestarts(), outcome.seconds());
        System.out.println(outcome.json());
        System.exit(outcome.report().exactlyOnce() ? 0 : 1);
    }
}
