package io.quondam.load.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.stack.Await;
import io.quondam.stack.LocalStack;
import io.quondam.store.KeyStore;
import io.quondam.testdata.PaymentEvents;
import io.quondam.testdata.Pipeline;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seconds from a kill -9 of the Redis master to the first successful claim afterwards, for a dedup-processor fed a
 * steady stream and for key-api under one client, both running through the same failover; and for the processor also
 * to its first commit, which waits, as a key-api answer does, until its claims are on {@code minReplicas} replicas.
 */
final class FailoverStall {
    /** Stall of each front end and when Sentinel reported the new master, all in seconds after the kill. */
    record Result(double processorSec, double keyApiSec, double promotedSec, double replicaBackSec,
                  double processorCommitSec, long keysAtKill, double slowestKeyApiAnswerSec) {
    }

    private static final String INPUT = "bench.stall.input";
    private static final String TOKEN = "stall-token";

    private final LocalStack stack;
    private final KeyApiBench keyApiBench;
    private final Path stateDir;
    private final PrintStream out;

    FailoverStall(LocalStack stack, KeyApiBench keyApiBench, Path stateDir, PrintStream out) {
        this.stack = stack;
        this.keyApiBench = keyApiBench;
        this.stateDir = stateDir;
        this.out = out;
    }

    /** With {@code fillKeys} filler keys in Redis before the traffic starts, as a deployment holds its TTL window. */
    Result run(int fillKeys) throws InterruptedException, ExecutionException {
        io.quondam.load.RedisFill.fill(stack, fillKeys);
        stack.createTopics(Map.of(INPUT, ProcessorBench.PARTITIONS, "bench.stall.out", ProcessorBench.PARTITIONS,
                "bench.stall.dlq", 1));
        var registry = new SimpleMeterRegistry(); // the processor's: its claim timer says when claims succeed again
        String applicationId = "bench-stall-" + Long.toString(System.currentTimeMillis(), 36);
        var events = PaymentEvents.generate(45_000, 0.3, 7);
        var client = Executors.newSingleThreadExecutor();
        var keyApiRunning = new AtomicBoolean(true);
        var firstApiClaimAfterKill = new AtomicLong();
        var killedAt = new AtomicLong(Long.MAX_VALUE);
        var apiClaims = new AtomicInteger();
        var slowestAfterKill = new AtomicLong();
        try (var pipeline = new Pipeline(stack.bootstrapServers());
             var app = ProcessorBench.dedupApp(stack, applicationId, INPUT, "bench.stall.out", "bench.stall.dlq",
                     "per-commit", 2, stateDir, registry, Map.of());
             var api = new InProcessKeyApi(keyApiBench.redisSettings(), 2, KeyStore.DEFAULT_MIN_REPLICAS, "stall",
                     TOKEN)) {
            var producing = pipeline.produce(INPUT, events, 1500, new AtomicInteger());
            app.start();
            try {
                var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                String base = "http://127.0.0.1:" + api.port() + "/v1/keys/" + applicationId + "-";
                client.submit(() -> {
                    for (long i = 0; keyApiRunning.get(); i++) {
                        long began = System.nanoTime();
                        int status = http.send(HttpRequest.newBuilder(URI.create(base + i))
                                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                                HttpResponse.BodyHandlers.discarding()).statusCode();
                        long ended = System.nanoTime();
                        if (ended > killedAt.get()) {
                            slowestAfterKill.accumulateAndGet(ended - began, Math::max);
                        }
                        if (status == 201) {
                            apiClaims.incrementAndGet();
                            if (began > killedAt.get()) {
                                firstApiClaimAfterKill.compareAndSet(0, System.nanoTime());
                            }
                        }
                    }
                    return null;
                });
                Await.until(Duration.ofSeconds(120), () -> claims(registry) > 2000 && apiClaims.get() > 100,
                        "the processor and key-api to claim steadily before the kill");
                String oldMaster = stack.currentMasterAddress();
                long keysAtKill;
                try (var master = io.quondam.stack.RedisEndpoint.parse(oldMaster, stack.redisPassword())
                        .connect(Duration.ofSeconds(2))) {
                    keysAtKill = master.dbSize();
                }
                // After the kill returns: finding the master through Sentinel first takes tens of milliseconds, in
                // which claims still succeed on the old master.
                int killedPort = stack.killRedisMaster();
                killedAt.set(System.nanoTime());
                long claimsAtKill = claims(registry);
                var firstProcessorClaim = new AtomicLong();
                String newMaster = stack.awaitNewMaster(oldMaster, Duration.ofSeconds(30));
                double promoted = (System.nanoTime() - killedAt.get()) / 1e9;
                // No commit made after the promotion can rest on the dead master: the first one is the stall's end.
                long committedAtPromotion = pipeline.committed(applicationId, INPUT);
                var firstProcessorCommit = new AtomicLong();
                // Back as an empty replica, as a platform restarts a dead pod: writers need not wait for it. On its
                // own thread, since it returns only once the full resync is done and the claims are watched meanwhile.
                var replicaBack = CompletableFuture.supplyAsync(() -> {
                    stack.restartRedisNode(killedPort);
                    return (System.nanoTime() - killedAt.get()) / 1e9;
                });
                Await.until(Duration.ofSeconds(90), () -> {
                    if (firstProcessorClaim.get() == 0 && claims(registry) > claimsAtKill) {
                        firstProcessorClaim.set(System.nanoTime());
                    }
                    if (firstProcessorCommit.get() == 0
                            && pipeline.committed(applicationId, INPUT) > committedAtPromotion) {
                        firstProcessorCommit.set(System.nanoTime());
                    }
                    return firstProcessorClaim.get() != 0 && firstProcessorCommit.get() != 0
                            && firstApiClaimAfterKill.get() != 0;
                }, "both front ends to claim, and the processor to commit, again on the new master " + newMaster);
                var result = new Result((firstProcessorClaim.get() - killedAt.get()) / 1e9,
                        (firstApiClaimAfterKill.get() - killedAt.get()) / 1e9, promoted, replicaBack.get(),
                        (firstProcessorCommit.get() - killedAt.get()) / 1e9, keysAtKill, slowestAfterKill.get() / 1e9);
                out.printf("  failover: %s killed with %,d keys, %s promoted after %.1f s; first claim after %.1f s"
                        + " (processor), %.1f s (key-api, slowest answer %.1f s); first processor commit after %.1f s;"
                        + " the old master synced as a replica after %.1f s%n", oldMaster, keysAtKill, newMaster,
                        promoted, result.processorSec(), result.keyApiSec(), result.slowestKeyApiAnswerSec(),
                        result.processorCommitSec(), result.replicaBackSec());
                keyApiRunning.set(false);
                producing.get();
                return result;
            } finally {
                keyApiRunning.set(false);
                client.shutdown();
            }
        }
    }

    private static long claims(SimpleMeterRegistry registry) {
        Timer timer = registry.find("quondam.claim.latency").timer();
        return timer == null ? 0 : timer.count();
    }
}
