package io.quondam.load.bench;

import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import io.quondam.load.ResultsFile;
import io.quondam.stack.LocalStack;
import io.quondam.stack.StackOptions;
import io.quondam.store.KeyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code scripts/bench.sh}: one fresh local stack under {@code .stack/bench}, then every measurement on it in turn —
 * processor variants, key-api against raw Jedis, failover stall — a table on stdout, {@code results.json} and
 * {@code results.html} in the output directory.
 */
public final class BenchCli {
    private BenchCli() {
    }

    public static void main(String[] args) throws Exception {
        var settings = Settings.fromEnvironment(args);
        int records = settings.integer("BENCH_RECORDS", 1_000_000, 1_000, 50_000_000);
        int threads = settings.integer("BENCH_STREAM_THREADS", 2, 1, 16);
        // The first is the one results.json's keyApi describes; each gets its rows.
        var concurrencies = new ArrayList<Integer>();
        String concurrencyText = settings.string("BENCH_API_CONCURRENCY", "64,8");
        for (String item : concurrencyText.split(",")) {
            if (item.trim().matches("\\d{1,3}") && Integer.parseInt(item.trim()) >= 1
                    && Integer.parseInt(item.trim()) <= 512) {
                concurrencies.add(Integer.parseInt(item.trim()));
            } else {
                settings.problem("BENCH_API_CONCURRENCY=" + concurrencyText
                        + " must be client counts 1-512, e.g. 64,8");
                break;
            }
        }
        var apiDuration = settings.duration("BENCH_API_DURATION", "20s", Duration.ofSeconds(1), Duration.ofHours(1));
        String variantNames = settings.string("BENCH_VARIANTS", "");
        // Which parts run, in this order: claim memory (first, on an empty keyspace), the processor variants,
        // key-api throughput, the failover stall; then, once the stack is down, the key store on Redis Clusters.
        var allParts = List.of("memory", "processor", "keyApi", "failover", "cluster");
        var parts = List.of(settings.string("BENCH_PARTS", String.join(",", allParts)).split(",")).stream()
                .map(String::trim).toList();
        if (parts.isEmpty() || !allParts.containsAll(parts)) {
            settings.problem("BENCH_PARTS=" + parts + " must name some of " + String.join(", ", allParts));
        }
        int clusterClaims = settings.integer("BENCH_CLUSTER_CLAIMS", 300_000, 10_000, 10_000_000);
        int memoryKeys = settings.integer("BENCH_MEMORY_KEYS", 1_000_000, 1_000, 50_000_000);
        int failoverKeys = settings.integer("BENCH_FAILOVER_KEYS", 2_000_000, 0, 50_000_000);
        Path output = Path.of(settings.nonEmpty("BENCH_OUTPUT", "load/target/bench")).toAbsolutePath();
        String resultsDir = settings.string("BENCH_RESULTS_DIR", "docs/results");
        // In the order given, so that a rerun can check that a variant's rate does not depend on its place.
        var known = Arrays.stream(ProcessorBench.Variant.values()).map(v -> v.label).toList();
        var names = variantNames.isBlank() ? known
                : Arrays.stream(variantNames.split(",")).map(String::trim).toList();
        List<ProcessorBench.Variant> variants = names.stream().flatMap(name -> Arrays.stream(
                ProcessorBench.Variant.values()).filter(v -> v.label.equals(name))).toList();
        var unknown = names.stream().filter(name -> !known.contains(name)).toList();
        if (!unknown.isEmpty()) {
            settings.problem("BENCH_VARIANTS: " + unknown + " not among " + String.join(", ", known));
        }
        try {
            settings.validate();
        } catch (ConfigException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
        }
        Files.createDirectories(output);
        Path dir = Path.of(".stack", "bench").toAbsolutePath();
        Files.createDirectories(dir);
        System.out.println("starting the local stack in " + dir + " ...");
        var results = new BenchResults(ResultsFile.machine(), records, threads);
        try (var stack = LocalStack.start(StackOptions.ephemeral(dir))) {
            if (parts.contains("memory")) {
                results.memory(new ClaimMemory(stack, KeyApiBench.redisSettings(stack), System.out).run(memoryKeys));
            }
            if (parts.contains("processor")) {
                System.out.printf("processor: %,d records, %d stream threads, exactly_once_v2, commit interval"
                        + " 100 ms%n", records, threads);
                var processor = new ProcessorBench(stack, records, threads, dir.resolve("streams"), System.out);
                results.processor(processor.run(variants), processor.unique());
            }

            KeyApiBench keyApi = new KeyApiBench(stack, concurrencies.get(0), apiDuration);
            for (int concurrency : parts.contains("keyApi") ? concurrencies : List.<Integer>of()) {
                System.out.printf("key-api: %d clients for %s after a warm-up (10 s or more, until the JIT is quiet)%n",
                        concurrency, apiDuration);
                keyApi = new KeyApiBench(stack, concurrency, apiDuration);
                results.keyApi(new BenchResults.ApiRun(concurrency, keyApi.keyApi(KeyStore.DEFAULT_MIN_REPLICAS),
                        keyApi.keyApi(0), keyApi.rawJedis(), keyApi.rawEventLoop()));
            }

            if (parts.contains("failover")) {
                System.out.printf("failover stall: %,d keys put in Redis, then kill -9 of the master under load%n",
                        failoverKeys);
                results.failover(new FailoverStall(stack, keyApi, dir.resolve("streams"), System.out)
                        .run(failoverKeys));
            }
        }
        if (parts.contains("cluster")) {
            System.out.printf("key store on Redis Clusters of 1, 2 and 3 shards: %,d new claims each%n",
                    clusterClaims);
            results.cluster(new ClusterScaling(dir, System.out).run(clusterClaims, List.of(1, 2, 3)));
        }
        System.out.println();
        System.out.println(results.table());
        Files.writeString(output.resolve("results.json"), results.json());
        Files.writeString(output.resolve("results.html"), results.html());
        System.out.println("wrote " + output.resolve("results.json") + " and " + output.resolve("results.html"));
        if (!resultsDir.isBlank()) {
            Path file = ResultsFile.write(Path.of(resultsDir), "bench", "Benchmark results", "scripts/bench.sh",
                    "BENCH_", results.table());
            System.out.println("wrote " + file);
        }
        // Any client thread still alive (a stream thread that outlived KafkaStreams.close(30 s)) would spin on the
        // vanished broker and keep this JVM alive.
        System.exit(0);
    }
}
