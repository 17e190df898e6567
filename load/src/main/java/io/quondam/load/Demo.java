package io.quondam.load;

import io.quondam.stack.ChildProcess;
import io.quondam.stack.LocalStack;
import io.quondam.stack.PostgresNode;
import io.quondam.stack.ShippedJar;
import io.quondam.testdata.PaymentEvents;
import io.quondam.testdata.Pipeline;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The whole pipeline on the local stack, with faults: duplicated payments go in, the Redis master is killed at 30%
 * of the stream and the processor at 60% (and restarted), and once everything has drained the verifier counts the
 * ledger exactly.
 */
final class Demo {
    static final String APPLICATION_ID = "quondam-dedup";
    static final String INPUT = "payments";
    static final String OUTPUT = "payments.dedup";
    static final String DEAD_LETTERS = "payments.dlq";
    static final String DUPLICATES = "payments.duplicates";
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    /** The demo's topics, 6 partitions each (one for the dead letters). */
    static Map<String, Integer> topics() {
        return Map.of(INPUT, 6, OUTPUT, 6, DEAD_LETTERS, 1, DUPLICATES, 6);
    }

    /** What the demo is asked to do. */
    record Options(int events, int duplicatePercent, int malformedPercent, long seed, int rate) {
    }

    /** The demo's result: the verifier's report plus what the demo did to the system. */
    record Outcome(VerificationReport report, int redisFailovers, int processorRestarts, double seconds) {
        String json() {
            return "{" + report.jsonMembers() + ",\"redisFailovers\":" + redisFailovers + ",\"processorRestarts\":"
                    + processorRestarts + ",\"seconds\":" + Math.round(seconds) + "}";
        }
    }

    private final LocalStack stack;
    private final PostgresNode ledger;
    private final PrintStream out;
    private int processorStarts;

    /** A demo on {@code stack}, whose PostgreSQL server must already run. */
    Demo(LocalStack stack, PrintStream out) {
        this.stack = stack;
        this.ledger = stack.postgres();
        this.out = out;
    }

    Outcome run(Options options) throws Exception {
        long start = System.nanoTime();
        var events = PaymentEvents.generate(options.events(), options.duplicatePercent() / 100.0,
                options.malformedPercent() / 100.0, options.seed());
        var manifest = Manifest.of(events, options.seed());
        manifest.write(stack.dir().resolve("manifest.txt"));
        out.printf("generated %,d payment records: %,d unique, %,d duplicates, %,d malformed (seed %d)%n",
                manifest.produced(), manifest.unique(), manifest.duplicates(), manifest.malformed(), options.seed());

        var consumerEnv = new HashMap<>(stack.environment());
        consumerEnv.put("QUONDAM_HTTP_PORT", "0");
        startService("payments-consumer", "payments-consumer", consumerEnv);
        var processor = startProcessor();
        int failovers = 0;
        int restarts = 0;
        try (var pipeline = new Pipeline(stack.bootstrapServers())) {
            var sent = new AtomicInteger();
            CompletableFuture<Void> producing = pipeline.produce(INPUT, events, options.rate(), sent);
            boolean redisKilled = false;
            boolean processorKilled = false;
            long lastProgress = 0;
            long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (true) {
                // Faults strike by the share of input the processor has committed, so they always hit mid-stream.
                // Sent is read before the lag: records sent in between only make this estimate lower, never higher.
                int sentBefore = sent.get();
                long lag = pipeline.lag(APPLICATION_ID, INPUT);
                double processed = Math.max(0, sentBefore - lag) / (double) events.size();
                if (!redisKilled && processed >= 0.3) {
                    var failover = stack.failOverRedis(Duration.ofSeconds(30));
                    out.printf("  ! killed the Redis master %s (kill -9); %s promoted %s%n", failover.killed(),
                            stack.options().redisCluster() ? "the cluster" : "Sentinel", failover.promoted());
                    // As a platform restarts a dead pod: claims are confirmed once the replicas hold them again.
                    stack.restartRedisNode(failover.killedPort());
                    out.printf("  ! %s started again, empty, as a replica of %s%n", failover.killed(),
                            failover.promoted());
                    redisKilled = true;
                    failovers++;
                }
                if (!processorKilled && processed >= 0.6) {
                    processor.kill9();
                    out.println("  ! killed the dedup-processor (kill -9); starting a new one");
                    processor = startProcessor();
                    processorKilled = true;
                    restarts++;
                }
                // Every record is in the topic once producing is done; only a lag measured after that counts.
                if (processorKilled && producing.isDone() && pipeline.lag(APPLICATION_ID, INPUT) == 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the processor did not drain the input within " + DRAIN_TIMEOUT);
                }
                if (System.nanoTime() - lastProgress > 2_000_000_000L) {
                    progress(sent.get(), events.size(), lag);
                    lastProgress = System.nanoTime();
                }
                awaitQuietly(producing, Duration.ofMillis(250));
            }
            producing.get();
            out.println("the processor has committed the whole input; waiting for its outputs and the ledger");
        }
        var report = LoadRun.drainAndVerify(stack, manifest);
        return new Outcome(report, failovers, restarts, (System.nanoTime() - start) / 1e9);
    }

    private void progress(int sent, int total, long lag) {
        long ledgerRows = ledgerAccountedFor();
        out.printf("  produced %,7d/%,d   processor lag %,7d   ledger %s%n", sent, total, Math.min(lag, sent),
                ledgerRows < 0 ? "(schema not created yet)" : String.format("%,7d", ledgerRows));
    }

    private long ledgerAccountedFor() {
        return Ledger.accountedFor(ledger);
    }

    private ChildProcess startProcessor() {
        var env = new HashMap<>(stack.environment());
        env.put("QUONDAM_APPLICATION_ID", APPLICATION_ID);
        env.put("QUONDAM_DUPLICATES_TOPIC", DUPLICATES);
        env.put("QUONDAM_STREAM_THREADS", "2");
        env.put("QUONDAM_STATE_DIR", stack.dir().resolve("processor-state").toAbsolutePath().toString());
        env.put("QUONDAM_HTTP_PORT", "0");
        env.put("QUONDAM_STREAMS_SESSION_TIMEOUT_MS", "6000"); // a killed instance's partitions move on sooner
        return startService("dedup-processor-" + (++processorStarts), "dedup-processor", env);
    }

    /** Starts {@code service} from its shaded jar, as its Dockerfile does, with a smaller heap for one machine. */
    private ChildProcess startService(String name, String service, Map<String, String> env) {
        var process = stack.startJvm(name, ShippedJar.of(service).childJvm().withJvmOptions("-Xmx384m")
                .withEnvironment(env));
        out.printf("started %s (pid %d, log %s)%n", name, process.pid(), process.logFile());
        return process;
    }

    private static void awaitQuietly(CompletableFuture<?> future, Duration timeout) throws InterruptedException {
        try {
            future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // still producing (or failed: producing.get() below reports it)
        }
    }
}
