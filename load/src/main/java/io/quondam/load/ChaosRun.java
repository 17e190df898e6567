package io.quondam.load;

import io.quondam.stack.Await;
import io.quondam.stack.LocalStack;
import io.quondam.stack.StackLayout;
import io.quondam.stack.StackOptions;
import io.quondam.testdata.PaymentEvents;
import io.quondam.testdata.Pipeline;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Runs one {@link ChaosScenario} on a fresh local stack: duplicated payments stream in at a fixed rate while the fault
 * strikes, then the pipeline drains and the verifier counts the ledger. Also measures the longest stall: the longest
 * time the processors' committed input offsets did not move while input was waiting.
 */
final class ChaosRun {
    private static final long SEED = 7;
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(500);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private static final int FIRST_RECORDS = 50;
    private static final List<String> FAILOVER_EVENTS = List.of("+sdown master", "-sdown master", "+odown",
            "+selected-slave", "+switch-master", "+failover-end", "+tilt", "-tilt");

    private final Path dir;
    private final double scale;
    private final int rate;
    private final PrintStream out;

    /** Scenarios run under {@code dir}, lengths multiplied by {@code scale}, payments produced at {@code rate}/s. */
    ChaosRun(Path dir, double scale, int rate, PrintStream out) {
        this.dir = dir;
        this.scale = scale;
        this.rate = rate;
        this.out = out;
    }

    ChaosResult run(ChaosScenario scenario) {
        Duration length = scaled(scenario.length());
        int records = (int) Math.max(1_000, rate * length.toMillis() / 1_000);
        out.printf("%n== %s: %s (%d s, %,d records at %,d/s)%n", scenario.name(), scenario.summary(),
                length.toSeconds(), records, rate);
        var stalls = new StallWatch();
        try {
            return ChaosResult.verified(scenario.name(), stream(scenario, length, records, stalls),
                    stalls.longestSeconds());
        } catch (Exception e) {
            out.printf("  ! %s broke: %s%n", scenario.name(), e);
            return ChaosResult.broken(scenario.name(), records, stalls.longestSeconds(),
                    String.valueOf(e.getMessage()));
        }
    }

    private VerificationReport stream(ChaosScenario scenario, Duration length, int records, StallWatch stalls)
            throws Exception {
        var events = PaymentEvents.generate(records, 0.3, 0.01, SEED);
        var manifest = Manifest.of(events, SEED);
        var options = StackOptions.ephemeral(dir.resolve(scenario.name())).withKafkaNodes(scenario.kafkaNodes())
                .withTopics(Demo.topics());
        if (scenario.redisShards() > 0) {
            options = options.withRedisCluster(scenario.redisShards());
        }
        try (var stack = LocalStack.start(options);
             var proxies = scenario.redisProxies() ? RedisProxies.start(stack) : RedisProxies.none()) {
            stack.startPostgres();
            var plan = new LocalServices.Plan(scenario.processors(), false, processorSettings(scenario, proxies));
            var faultThread = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "chaos-fault"));
            try (var services = new LocalServices(stack, plan, "unused", out);
                 var pipeline = new Pipeline(stack.bootstrapServers())) {
                services.start();
                // The first records go in alone, and the fault's clock starts once the processors have committed
                // them: a fault must strike a pipeline that is processing, not one that is still starting.
                var sent = new AtomicInteger();
                int head = Math.min(FIRST_RECORDS, events.size());
                pipeline.produce(Demo.INPUT, events.subList(0, head), rate, sent).get();
                Await.until(START_TIMEOUT, () -> pipeline.committed(Demo.APPLICATION_ID, Demo.INPUT) > 0,
                        "the processors to commit their first records");
                stalls.start(pipeline.committed(Demo.APPLICATION_ID, Demo.INPUT));
                var faults = new Faults(stack, services, proxies, length);
                CompletableFuture<Void> producing = pipeline.produce(Demo.INPUT, events.subList(head, events.size()),
                        rate, sent);
                CompletableFuture<Void> striking = CompletableFuture.runAsync(() -> strike(scenario, faults),
                        faultThread);
                long deadline = System.nanoTime() + length.plus(Duration.ofMinutes(5)).toNanos();
                while (true) {
                    boolean caughtUp = stalls.sample(pipeline.committed(Demo.APPLICATION_ID, Demo.INPUT), sent.get());
                    if (caughtUp && producing.isDone() && striking.isDone()) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the input was not processed within " + length + " + 5 min");
                    }
                    Thread.sleep(SAMPLE_EVERY.toMillis());
                }
                producing.get();
                striking.get();
                out.printf("  input processed (longest stall %.1f s); verifying the ledger%n", stalls.longestSeconds());
                var report = LoadRun.drainAndVerify(stack, manifest);
                if (!report.exactlyOnce()) {
                    printFailovers(stack);
                    printDroppedMarkers(stack);
                }
                return report;
            } finally {
                faultThread.shutdownNow();
                faultThread.awaitTermination(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Each Sentinel's view of the failovers, from its log: for a run that leaked or lost, the first thing to read. */
    private void printFailovers(LocalStack stack) {
        for (int port : stack.options().sentinelPorts()) {
            printLogLines(stack, "sentinel-" + port, line -> FAILOVER_EVENTS.stream().anyMatch(line::contains),
                    count -> "failover events in sentinel-" + port + ".log:");
        }
    }

    /**
     * Transaction markers Kafka dropped for partitions without a leader, which breaks a transaction's atomicity
     * (docs/design.md, "A crashed single-node Kafka can lose a committed transaction"): for a run that lost or
     * leaked, the second.
     */
    private void printDroppedMarkers(LocalStack stack) {
        var kafka = stack.kafka();
        for (int node = 1; node <= kafka.size(); node++) {
            String name = kafka.nodeName(node);
            printLogLines(stack, name, line -> line.contains("likely deleted"),
                    count -> "transaction markers " + name + " dropped for leaderless partitions: " + count);
        }
    }

    /** The lines of a stack process's log that {@code wanted} picks, under a heading given their count. */
    private void printLogLines(LocalStack stack, String process, Predicate<String> wanted,
                               IntFunction<String> heading) {
        Path log = new StackLayout(stack.dir()).logFile(process);
        try (var lines = Files.lines(log)) {
            var picked = lines.filter(wanted).toList();
            out.printf("  %s%n", heading.apply(picked.size()));
            picked.forEach(line -> out.println("    " + line.strip()));
        } catch (IOException | UncheckedIOException e) {
            out.printf("  (cannot read %s: %s)%n", log, e.getMessage());
        }
    }

    private static void strike(ChaosScenario scenario, Faults faults) {
        try {
            scenario.fault().strike(faults);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the fault of " + scenario.name() + " failed: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> processorSettings(ChaosScenario scenario, RedisProxies proxies) {
        var settings = new HashMap<>(scenario.settings());
        if (!proxies.addressMap().isEmpty()) {
            settings.put("QUONDAM_REDIS_ADDRESS_MAP", proxies.addressMap());
        }
        return settings;
    }

    private Duration scaled(Duration base) {
        return Duration.ofMillis(Math.max(1_000, Math.round(base.toMillis() * scale)));
    }

    /** What a fault may do, with its clock: fractions of the scenario's length and scaled durations. */
    final class Faults {
        final LocalStack stack;
        final LocalServices services;
        final RedisProxies proxies;
        private final Duration length;
        private final long start = System.nanoTime();

        Faults(LocalStack stack, LocalServices services, RedisProxies proxies, Duration length) {
            this.stack = stack;
            this.services = services;
            this.proxies = proxies;
            this.length = length;
        }

        /** Waits until {@code fraction} of the scenario's streaming time has passed. */
        void at(double fraction) throws InterruptedException {
            long due = start + Math.round(length.toNanos() * fraction);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }

        /** Waits {@code base × CHAOS_SCALE}, but at least {@code floor}. */
        void hold(Duration base, Duration floor) throws InterruptedException {
            Duration scaled = scaled(base);
            Thread.sleep(Math.max(floor.toMillis(), scaled.toMillis()));
        }

        /** {@code base × CHAOS_SCALE}, but at least {@code floor}. */
        Duration every(Duration base, Duration floor) {
            Duration scaled = scaled(base);
            return scaled.compareTo(floor) < 0 ? floor : scaled;
        }

        boolean before(double fraction) {
            return System.nanoTime() - start < length.toNanos() * fraction;
        }

        void note(String format, Object... args) {
            out.printf(Locale.ROOT, "  ! [%5.1f s] %s%n", (System.nanoTime() - start) / 1e9,
                    String.format(Locale.ROOT, format, args));
        }
    }

    /**
     * The longest time the committed input offsets stood still while input was waiting for the processors. Samples
     * are {@link #SAMPLE_EVERY} apart, so a stall shorter than that cannot be told from a commit interval.
     */
    static final class StallWatch {
        private long lastCommitted;
        private long lastMove;
        private long longest;

        /** Starts the clock at the processors' first commit; their start-up is not a stall. */
        void start(long committed) {
            lastCommitted = committed;
            lastMove = System.nanoTime();
        }

        /**
         * Records a sample ({@code committed} is -1 when the offsets cannot be read, as while the broker is down);
         * true when everything sent so far has been committed.
         */
        boolean sample(long committed, long sent) {
            long now = System.nanoTime();
            boolean caughtUp = committed >= 0 && committed >= sent;
            longest = Math.max(longest, now - lastMove);
            if (committed > lastCommitted || caughtUp) {
                lastMove = now;
                lastCommitted = Math.max(lastCommitted, committed);
            }
            return caughtUp;
        }

        double longestSeconds() {
            return longest / 1e9;
        }
    }
}
