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
 * {@code DEMO_REDIS=cluster} runs it on a Redis Cluster of 3 shards instead of Sentinel's master and replicas.
 */
public final class DemoCli {
    private static final int CLUSTER_SHARDS = 3;

    /** Which Redis the demo's stack runs. */
    enum RedisKind { SENTINEL, CLUSTER }

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
        var redis = settings.choice("DEMO_REDIS", RedisKind.SENTINEL, RedisKind.class);
        try {
            settings.validate();
        } catch (ConfigException e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(2);
        }
        Path dir = Path.of(".stack", "demo").toAbsolutePath();
        Files.createDirectories(dir);
        var stackOptions = StackOptions.ephemeral(dir).withTopics(Demo.topics());
        if (redis == RedisKind.CLUSTER) {
            stackOptions = stackOptions.withRedisCluster(CLUSTER_SHARDS);
        }
        System.out.println("starting the local stack in " + dir + " (Kafka, " + (redis == RedisKind.CLUSTER
                ? "a Redis Cluster of " + CLUSTER_SHARDS + " shards" : "Redis + Sentinels") + ", PostgreSQL)...");
        Demo.Outcome outcome;
        try (var stack = LocalStack.start(stackOptions)) {
            stack.startPostgres();
            System.out.printf("stack up: Kafka %s, %s, PostgreSQL %s%n", stack.bootstrapServers(),
                    stack.describeRedis(), stack.postgres().jdbcUrl());
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
