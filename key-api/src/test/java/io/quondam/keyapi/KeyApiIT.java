package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.stack.Await;
import io.quondam.stack.FreePorts;
import io.quondam.stack.LocalStack;
import io.quondam.stack.ShippedJar;
import io.quondam.stack.StackOptions;
import io.quondam.store.KeyClaim;
import io.quondam.store.KeyStore;
import io.quondam.store.RedisKeyStore;
import io.quondam.store.RedisSettings;
import io.quondam.store.RetryPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The key API on a real Redis master with replicas and Sentinels, through a pool of Redis sessions. */
class KeyApiIT {
    private static final String TOKEN = "it-token";
    private static LocalStack stack;
    private static KeyStorePool store;
    private static PrometheusMeterRegistry registry;
    private static Javalin app;
    private static ApiClient client;

    @BeforeAll
    static void start() throws IOException {
        Path dir = Path.of("target", "it-stack");
        Files.createDirectories(dir);
        stack = LocalStack.start(StackOptions.ephemeral(dir).withTopics(Map.of()));
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var settings = RedisSettings.sentinel(stack.sentinelAddresses(), stack.masterName(), "",
                stack.sentinelPassword())
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD);
        var sessions = new AtomicInteger();
        store = new KeyStorePool(8,
                () -> new RedisKeyStore(settings, registry, "key-api-it-" + sessions.incrementAndGet()),
                Duration.ofSeconds(10), KeyStore.DEFAULT_MIN_REPLICAS, Duration.ofSeconds(1),
                KeyStorePool.DEFAULT_FAILOVER_HOLD, registry);
        app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("it=" + TOKEN)), store, registry)
                .start("127.0.0.1", 0);
        client = new ApiClient(app.port());
    }

    @BeforeEach
    void awaitCalmRedis() {
        stack.awaitSettled(Duration.ofSeconds(60)); // an earlier test may have paused Redis
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        if (store != null) {
            store.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldServeClaimsFromTheShippedJarStartedAsItsDockerfileStartsIt() {
        int port = FreePorts.allocate(1).get(0);
        var env = new HashMap<>(stack.environment());
        env.put("QUONDAM_TOKENS", "jar=" + TOKEN);
        env.put("QUONDAM_HTTP_HOST", "127.0.0.1");
        env.put("QUONDAM_HTTP_PORT", Integer.toString(port));
        var process = stack.startJvm("key-api-jar", ShippedJar.of("key-api").childJvm().withJvmOptions("-Xmx128m")
                .withEnvironment(env));
        try {
            var jarClient = new ApiClient(port);
            Await.until(Duration.ofSeconds(60), () -> {
                process.requireAlive();
                try {
                    return jarClient.json("GET", "/health/ready", null, null).statusCode() == 200;
                } catch (java.io.UncheckedIOException notListeningYet) {
                    return false;
                }
            }, "the key-api jar to be ready");

            String path = "/v1/keys/jar-" + UUID.randomUUID();
            assertThat(jarClient.json("PUT", path, TOKEN, "{\"owner\":\"req-1\"}").statusCode()).isEqualTo(201);
            assertThat(jarClient.json("PUT", path, TOKEN, "{\"owner\":\"req-2\"}").statusCode()).isEqualTo(409);
        } finally {
            process.stop(Duration.ofSeconds(20));
        }
        assertThat(process.logTail(200)).doesNotContain("NoClassDefFoundError").doesNotContain("ERROR");
    }

    @Test
    void shouldLetExactlyOneOfFiftyConcurrentClaimsWin() throws Exception {
        String path = "/v1/keys/contended-" + UUID.randomUUID();
        int clients = 50;
        var ready = new CountDownLatch(clients);
        var go = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(clients);
        try {
            var futures = new ArrayList<Future<Integer>>();
            for (int i = 0; i < clients; i++) {
                String body = "{\"owner\":\"req-" + i + "\"}";
                Callable<Integer> claim = () -> {
                    ready.countDown();
                    go.await();
                    return client.json("PUT", path, TOKEN, body).statusCode();
                };
                futures.add(pool.submit(claim));
            }
            ready.await();
            go.countDown();
            var statuses = new ArrayList<Integer>();
            for (var future : futures) {
                statuses.add(future.get());
            }

            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(clients - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Group commit puts racing claims of one key into the same round trips: still exactly one owner wins. A 503 (an
     * earlier test's failover left a session to reconnect) is retried with the same owner, as a client would.
     */
    @Test
    void shouldLetExactlyOneOfAThousandConcurrentClaimsWinThroughGroupCommit() throws Exception {
        String key = "contended-" + UUID.randomUUID();
        var answers = new ArrayList<java.util.concurrent.CompletableFuture<KeyClaim>>();
        for (int i = 0; i < 1000; i++) {
            answers.add(store.submit(claimOf(key, "req-" + i)));
        }
        var winners = new java.util.TreeSet<String>();
        int inProgress = 0;
        for (int i = 0; i < answers.size(); i++) {
            KeyClaim claim = null;
            for (int attempt = 1; claim == null; attempt++) {
                try {
                    claim = answers.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(io.quondam.store.KeyStoreUnavailableException.class);
                    assertThat(attempt).as("attempts of req-" + i).isLessThan(5);
                    answers.set(i, store.submit(claimOf(key, "req-" + i)));
                }
            }
            if (claim instanceof KeyClaim.Claimed || claim instanceof KeyClaim.AlreadyOwned) {
                winners.add(claim instanceof KeyClaim.Claimed won ? won.owner()
                        : ((KeyClaim.AlreadyOwned) claim).owner());
            } else if (claim instanceof KeyClaim.InProgress) {
                inProgress++;
            }
        }

        assertThat(winners).hasSize(1);
        assertThat(inProgress).isEqualTo(999);
        assertThat(client.json("GET", "/v1/keys/" + key, TOKEN, null).body())
                .contains("\"owner\":\"" + winners.first());
    }

    @Test
    void shouldAnswerAClaimThatWaitsOnceTheHolderCompletesThroughRedis() throws Exception {
        String path = "/v1/keys/waited-" + UUID.randomUUID();
        assertThat(client.json("PUT", path, TOKEN, "{\"owner\":\"req-1\"}").statusCode()).isEqualTo(201);
        var waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> client.send("PUT", path, TOKEN,
                "application/json", "{\"owner\":\"req-2\"}", "wait=10"));
        Await.until(Duration.ofSeconds(10), () -> registry.get("quondam.api.claims.waiting").gauge().value() == 1,
                "the second claim to wait");
        assertThat(waiting).isNotDone();

        client.json("PUT", path + "/result", TOKEN, "{\"owner\":\"req-1\",\"response\":\"done\"}");
        var answer = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(answer.body()).get("response").asText()).isEqualTo("done");
    }

    private static io.quondam.store.KeyOperation.ClaimKey claimOf(String key, String owner) {
        return new io.quondam.store.KeyOperation.ClaimKey("it", key, owner, Duration.ofHours(1),
                java.util.Optional.empty());
    }

    @Test
    void shouldCompleteAndReplayStoredResponseThroughRedis() throws Exception {
        String path = "/v1/keys/order-" + UUID.randomUUID();
        assertThat(client.json("PUT", path, TOKEN, "{\"owner\":\"req-1\",\"fingerprint\":\"fp\"}").statusCode())
                .isEqualTo(201);
        assertThat(client.json("PUT", path + "/result", TOKEN, "{\"owner\":\"req-1\",\"response\":{\"ok\":true}}")
                .statusCode()).isEqualTo(200);

        var replay = client.json("PUT", path, TOKEN, "{\"owner\":\"req-2\",\"fingerprint\":\"fp\"}");

        assertThat(replay.statusCode()).isEqualTo(200);
        var body = new ObjectMapper().readTree(replay.body());
        assertThat(body.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(body.get("response").get("ok").asBoolean()).isTrue();
        assertThat(client.json("PUT", path, TOKEN, "{\"fingerprint\":\"other\"}").statusCode()).isEqualTo(422);
        assertThat(client.json("DELETE", path, TOKEN, null).statusCode()).isEqualTo(204);
        assertThat(client.json("GET", path, TOKEN, null).statusCode()).isEqualTo(404);
        assertThat(client.json("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldNotAcknowledgeClaimUntilAReplicaHasIt() {
        String path = "/v1/keys/durable-" + UUID.randomUUID();
        var replicas = stack.pauseReplicas();
        try {
            // The master takes the claim (min-replicas-max-lag has not passed), but no replica confirms it.
            var unconfirmed = client.json("PUT", path, TOKEN, "{\"owner\":\"req-1\"}");

            assertThat(unconfirmed.statusCode()).isEqualTo(503);
            assertThat(unconfirmed.headers().firstValue("Retry-After")).isPresent();
        } finally {
            stack.resume(replicas);
        }
        // The client retries with its owner and now gets the key, confirmed.
        Await.until(Duration.ofSeconds(20), () -> client.json("PUT", path, TOKEN, "{\"owner\":\"req-1\"}")
                .statusCode() == 200, "the retried claim to be confirmed by a replica");
        assertThat(client.json("PUT", path, TOKEN, "{\"owner\":\"req-2\"}").statusCode()).isEqualTo(409);
    }

    /**
     * The legacy register and consume, and DELETE /v1, are writes the API acknowledges: with no replica to hold them
     * they answer 503, never a 201 or {"claimed":true} that a failover could undo.
     */
    @Test
    void shouldNotAcknowledgeLegacyWritesOrReleasesUntilAReplicaHasThem() throws Exception {
        String shard = "durable-" + UUID.randomUUID();
        String registered = "{\"shard\":\"" + shard + "\",\"key\":\"registered\"}";
        String path = "/v1/keys/release-" + UUID.randomUUID();
        assertThat(client.json("PUT", "/keys", TOKEN, registered).statusCode()).isEqualTo(201);
        assertThat(client.json("PUT", path, TOKEN, "{\"owner\":\"req-1\"}").statusCode()).isEqualTo(201);
        var replicas = stack.pauseReplicas();
        try {
            var register = client.json("PUT", "/keys", TOKEN, "{\"shard\":\"" + shard + "\",\"key\":\"new\"}");
            var consume = client.json("DELETE", "/keys", TOKEN, registered);
            var release = client.json("DELETE", path, TOKEN, null);

            assertThat(register.statusCode()).as("legacy register").isEqualTo(503);
            assertThat(consume.statusCode()).as("legacy consume: %s", consume.body()).isEqualTo(503);
            assertThat(release.statusCode()).as("DELETE /v1").isEqualTo(503);
            assertThat(release.headers().firstValue("Retry-After")).isPresent();
        } finally {
            stack.resume(replicas);
        }
    }

    /**
     * The original service was replaced because a key could be consumed twice. Under load on the legacy routes, the
     * master is cut off from Sentinels and replicas while key-api still reaches it; Sentinel promotes a replica, and
     * the old master, healed, rejoins as a replica and drops what it took alone. No key is consumed twice, no
     * acknowledged registration is lost, and every key a client was told it consumed stays consumed. This guards the
     * failover path; it does not tell the old rule (no WAIT on legacy writes) apart, which passed it too: the cut-off
     * master refuses writes at once (min-replicas-to-write), and on loopback a stopped replica still receives all
     * the master sent. The paused-replicas test above is the one that fails under the old rule.
     */
    @Test
    void shouldNeverConsumeALegacyKeyTwiceWhenTheRedisMasterIsCutOffAndReplaced() throws Exception {
        String shard = "failover-" + UUID.randomUUID();
        var traffic = new LegacyTraffic(client, TOKEN, shard, 6);
        traffic.start();
        try {
            Await.until(Duration.ofSeconds(60), () -> traffic.registered() >= 500, "500 legacy keys before the kill");
            String oldMaster = stack.currentMasterAddress();
            int oldPort = Integer.parseInt(oldMaster.substring(oldMaster.lastIndexOf(':') + 1));
            stack.isolate(oldPort);
            try {
                stack.awaitNewMaster(oldMaster, Duration.ofSeconds(30));
                // key-api's sessions still reach the old master: let 50 more requests be answered before it heals.
                int answered = traffic.registered() + traffic.unavailable();
                Await.until(Duration.ofSeconds(60), () -> traffic.registered() + traffic.unavailable() >= answered + 50,
                        "50 more answers while the old master is cut off");
            } finally {
                stack.heal(oldPort);
            }
            int registeredAtPromotion = traffic.registered();
            Await.until(Duration.ofSeconds(90), () -> traffic.registered() >= registeredAtPromotion + 300,
                    "300 legacy keys on the new master");
        } finally {
            traffic.stop();
        }

        assertThat(traffic.consumedTwice()).as("keys consumed twice").isEmpty();
        assertThat(traffic.lostRegistrations()).as("registrations acknowledged, then gone").isEmpty();
        for (String key : traffic.consumed()) {
            var again = client.json("DELETE", "/keys", TOKEN, "{\"shard\":\"" + shard + "\",\"key\":\"" + key + "\"}");
            assertThat(again.body()).as("a consumed key, consumed again after the failover: %s", key)
                    .contains("\"claimed\":false");
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileRedisIsUnreachableAndClaimAgainAfterwards() {
        // A store with a short retry budget, so that an outage surfaces within a client's patience.
        var settings = RedisSettings.sentinel(stack.sentinelAddresses(), stack.masterName(), "",
                        stack.sentinelPassword())
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD)
                .withRetry(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(100)))
                .withTimeouts(Duration.ofMillis(200), Duration.ofMillis(200));
        var outageRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (var impatient = new KeyStorePool(2, () -> new RedisKeyStore(settings, outageRegistry, "key-api-it-outage"),
                Duration.ofSeconds(5))) {
            var outageApp = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("it=" + TOKEN)), impatient,
                            outageRegistry)
                    .start("127.0.0.1", 0);
            try {
                var outageClient = new ApiClient(outageApp.port());
                assertThat(outageClient.json("PUT", "/v1/keys/warm-" + UUID.randomUUID(), TOKEN, "{}").statusCode())
                        .isEqualTo(201);
                stack.pauseRedis();
                try {
                    var down = outageClient.json("PUT", "/v1/keys/down-" + UUID.randomUUID(), TOKEN, "{}");

                    assertThat(down.statusCode()).isEqualTo(503);
                    assertThat(down.headers().firstValue("Retry-After")).isPresent();
                    assertThat(down.headers().firstValue("Content-Type")).hasValueSatisfying(
                            type -> assertThat(type).startsWith("application/problem+json"));
                    Await.until(Duration.ofSeconds(10), () -> outageClient.json("GET", "/health/ready", null, null)
                            .statusCode() == 503, "readiness to report the outage");
                } finally {
                    stack.resumeRedis();
                }
                Await.until(Duration.ofSeconds(20), () -> outageClient.json("PUT",
                        "/v1/keys/after-" + UUID.randomUUID(),
                        TOKEN, "{}").statusCode() == 201, "claims to succeed again after Redis resumed");
            } finally {
                outageApp.stop();
            }
        }
    }

    @Test
    void shouldNeverClaimAKeyTwiceWhileTheRedisMasterIsKilled() throws Exception {
        var traffic = new ClaimTraffic(client, TOKEN, "failover-" + UUID.randomUUID(), 6);
        traffic.start();
        long killedAt;
        String newMaster;
        try {
            Await.until(Duration.ofSeconds(60), () -> traffic.claimed() >= 300, "300 claims to warm up");
            long warm = System.nanoTime();
            Await.until(Duration.ofSeconds(60), () -> traffic.claimed() >= 1300, "1000 claims before the kill");
            var steady = traffic.since(warm);
            String oldMaster = stack.currentMasterAddress();
            killedAt = System.nanoTime();
            int killedPort = stack.killRedisMaster();
            newMaster = stack.awaitNewMaster(oldMaster, Duration.ofSeconds(30));
            double promotedAfter = (System.nanoTime() - killedAt) / 1e9;
            // Back as an empty replica, as a platform restarts a dead pod; claims need not wait for its resync.
            stack.restartRedisNode(killedPort);
            int claimedAtPromotion = traffic.claimed();
            Await.until(Duration.ofSeconds(60), () -> traffic.claimed() >= claimedAtPromotion + 300,
                    "300 claims on the new master " + newMaster);
            traffic.stop();
            traffic.report(Path.of("target", "it-results.txt"), steady, oldMaster, newMaster, promotedAfter, killedAt);
        } finally {
            traffic.stop();
        }

        // Held through the failover (QUONDAM_FAILOVER_HOLD): the clients see latency, never a 503 or a 500. A claim
        // whose reply the dying connection lost is sent again and finds the caller's own claim: 200, still its key.
        assertThat(traffic.statuses()).as("every answer is 201, 409 or (rarely) 200")
                .containsKeys(201, 409).doesNotContainKeys(500, 503)
                .allSatisfy((status, count) -> assertThat(status).isIn(200, 201, 409));
        assertThat(traffic.keysWonTwice()).as("keys that two owners were given").isEmpty();
        // Every acknowledged claim survived the failover: the new master knows its owner.
        for (var won : traffic.winners().entrySet()) {
            var status = client.json("GET", "/v1/keys/" + won.getKey(), TOKEN, null);
            assertThat(status.statusCode()).as("status of %s", won.getKey()).isEqualTo(200);
            assertThat(new ObjectMapper().readTree(status.body()).get("owner").asText()).isEqualTo(won.getValue());
        }
    }
}
