package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.stack.Await;
import io.quondam.stack.FaultProxy;
import io.quondam.stack.LocalStack;
import io.quondam.stack.RedisEndpoint;
import io.quondam.stack.StackOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisDataException;

/** The contract, and what only a real Redis with Sentinel can show: WAIT, failover, outage, lost scripts. */
class RedisKeyStoreIT extends KeyStoreContract {
    private static final Duration DAY = Duration.ofDays(1);
    private static LocalStack stack;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<KeyStore> opened = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws IOException {
        Path dir = Path.of("target", "it-stack");
        Files.createDirectories(dir);
        stack = LocalStack.start(StackOptions.ephemeral(dir).withTopics(Map.of()));
    }

    @AfterAll
    static void stopRedis() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void awaitCalmRedis() {
        stack.awaitSettled(Duration.ofSeconds(60)); // an earlier test may have failed Redis over
    }

    @AfterEach
    void closeOpened() {
        opened.forEach(KeyStore::close);
    }

    @Override
    protected KeyStore newSession() {
        return open(RetryPolicy.defaults());
    }

    private RedisKeyStore open(RetryPolicy retry) {
        return open(RedisSettings.sentinel(stack.sentinelAddresses(), stack.masterName(), "",
                stack.sentinelPassword())
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD).withRetry(retry));
    }

    private RedisKeyStore open(RedisSettings settings) {
        var store = new RedisKeyStore(settings, registry, "it-" + UUID.randomUUID());
        opened.add(store);
        return store;
    }

    @Test
    void shouldConfirmClaimsOnReplicasWithWait() {
        var store = open(RetryPolicy.defaults());
        store.claim("it", "wait-" + UUID.randomUUID(), "owner-a", DAY);

        store.awaitReplication(2, Duration.ofSeconds(2));
    }

    @Test
    void shouldRefuseToConfirmClaimsThatNoReplicaHas() {
        var store = open(RetryPolicy.defaults());
        var replicas = stack.pauseReplicas();
        try {
            // min-replicas-max-lag (5 s) has not passed yet: the master still takes the claim...
            assertThat(store.claim("it", "unreplicated-" + UUID.randomUUID(), "owner-a", DAY))
                    .isInstanceOf(ClaimResult.Claimed.class);
            // ...but no replica has it, so it must not be reported durable.
            assertThatThrownBy(() -> store.awaitReplication(1, Duration.ofMillis(300)))
                    .isInstanceOf(ReplicationException.class).hasMessageContaining("only 0 replica(s)");
        } finally {
            stack.resume(replicas);
        }
        Await.until(Duration.ofSeconds(10), () -> {
            try {
                store.awaitReplication(1, Duration.ofMillis(500));
                return true;
            } catch (ReplicationException e) {
                return false;
            }
        }, "the claim to reach a replica after the replicas resumed");
    }

    /**
     * The durability rule: every replica the master counts as online must hold a write, not just {@code minReplicas}
     * of them, since the guard lets every such replica be promoted. With one replica paused (still online for the
     * master, acknowledging nothing) a WAIT for "at least 1" must not be satisfied by the other alone.
     */
    @Test
    void shouldWaitForEveryOnlineReplicaNotJustTheMinimum() {
        var store = open(RetryPolicy.defaults());
        withOneReplicaPaused(store, () -> store.claim("it", "every-online-" + UUID.randomUUID(), "owner-a", DAY));
    }

    /**
     * Runs {@code write} on {@code store} while one replica is paused (online for the master, acknowledging nothing),
     * checks that a WAIT for "at least 1" is not confirmed by the other alone, and that it is once the replica resumed.
     */
    private void withOneReplicaPaused(RedisKeyStore store, Runnable write) {
        var paused = stack.redisNode(replicaPorts().get(0));
        paused.process().pause();
        try {
            write.run();

            assertThatThrownBy(() -> store.awaitReplication(1, Duration.ofMillis(500)))
                    .isInstanceOf(ReplicationLagException.class).hasMessageContaining("only 1 replica(s)");
        } finally {
            paused.process().resume();
        }
        store.awaitReplication(1, Duration.ofSeconds(5));
    }

    /**
     * Group commit's one round trip: once a connection has counted its online replicas, the WAIT for a group rides in
     * the pipeline that wrote it. It confirms only when every online replica has the writes: with one paused (online,
     * acknowledging nothing) it does not, and the careful WAIT after it refuses too.
     */
    @Test
    void shouldConfirmAGroupInTheRoundTripThatWroteItOnlyOnceEveryOnlineReplicaHasIt() {
        var store = open(RetryPolicy.defaults());
        var first = store.runAllAwaiting(List.of(claimKey("first")), 1, Duration.ofSeconds(2));
        assertThat(first.confirmed()).as("a new connection has not counted its replicas yet").isFalse();
        store.awaitReplication(1, Duration.ofSeconds(2));

        var second = store.runAllAwaiting(List.of(claimKey("second"), claimKey("third")), 1, Duration.ofSeconds(2));
        assertThat(second.confirmed()).isTrue();
        assertThat(second.outcomes()).extracting(KeyOperation.Outcome::result)
                .allMatch(KeyClaim.Claimed.class::isInstance);

        withOneReplicaPaused(store, () -> assertThat(store.runAllAwaiting(List.of(claimKey("fourth")), 1,
                Duration.ofMillis(300)).confirmed()).isFalse());
    }

    /** A replay is written again after the pipeline's WAIT (its follow-up round trip): that WAIT cannot confirm it. */
    @Test
    void shouldNotLetAPipelinedWaitConfirmAReplaysLaterWrite() {
        var store = open(RetryPolicy.defaults());
        var replayed = new KeyOperation.Claim(List.of(new ClaimRequest("it", "replayed-" + UUID.randomUUID(),
                "payments-0@7", DAY)));
        store.runAll(List.of(replayed));
        store.awaitReplication(1, Duration.ofSeconds(2));

        var again = store.runAllAwaiting(List.of(replayed), 1, Duration.ofSeconds(2));

        assertThat((List<?>) again.outcomes().get(0).result()).singleElement()
                .isInstanceOf(ClaimResult.Replayed.class);
        assertThat(again.confirmed()).isFalse();
        store.awaitReplication(1, Duration.ofSeconds(2));
    }

    private static KeyOperation.ClaimKey claimKey(String name) {
        return new KeyOperation.ClaimKey("it", name + "-" + UUID.randomUUID(), "req-" + name, DAY, Optional.empty());
    }

    /**
     * A spurious failover (seen in sentinels-down): a replica is promoted while the old master, not yet demoted, goes
     * on confirming writes with the other replica. The promoted one lacks them, so they must not count.
     */
    @Test
    void shouldRefuseToConfirmOnAMasterWhoseReplicaWasPromoted() {
        var store = open(RetryPolicy.defaults());
        store.claim("it", "before-" + UUID.randomUUID(), "owner-a", DAY);
        store.awaitReplication(1, Duration.ofSeconds(5)); // both replicas online and confirmed
        int masterPort = RedisEndpoint.parse(stack.currentMasterAddress(), "").port();
        var promoted = stack.redisNode(replicaPorts().get(0)).endpoint();
        try (var jedis = promoted.connect(Duration.ofSeconds(1))) {
            jedis.replicaofNoOne();
            store.claim("it", "split-" + UUID.randomUUID(), "owner-a", DAY);

            assertThatThrownBy(() -> store.awaitReplication(1, Duration.ofSeconds(5)))
                    .isInstanceOf(ReplicationException.class).hasMessageContaining("is now a master");
        } finally {
            try (var jedis = promoted.connect(Duration.ofSeconds(1))) {
                jedis.replicaof("127.0.0.1", masterPort);
            }
        }
    }

    /** A replica that is down is neither waited for nor promotable: claims are confirmed by the one left. */
    @Test
    void shouldConfirmClaimsWithoutAReplicaThatIsDown() {
        var store = open(RetryPolicy.defaults());
        int down = replicaPorts().get(0);
        stack.redisNode(down).process().kill9();
        try {
            store.claim("it", "one-replica-" + UUID.randomUUID(), "owner-a", DAY);

            store.awaitReplication(1, Duration.ofSeconds(5));
            assertThatThrownBy(() -> {
                store.claim("it", "two-replicas-" + UUID.randomUUID(), "owner-a", DAY);
                store.awaitReplication(2, Duration.ofMillis(300));
            }).isInstanceOf(ReplicationLagException.class);
        } finally {
            stack.restartRedisNode(down);
        }
    }

    /**
     * The guard: a master and a replica whose link is down are never promotable, a replica is promotable again once
     * it is online and caught up, and a guard restarted after being killed decides the same from what it reads.
     */
    @Test
    void shouldLetOnlyOnlineCaughtUpReplicasBePromoted() {
        int masterPort = RedisEndpoint.parse(stack.currentMasterAddress(), "").port();
        int replica = replicaPorts().get(0);
        var endpoint = stack.redisNode(replica).endpoint();
        Await.until(Duration.ofSeconds(10), () -> endpoint.replicaPriority(Duration.ofSeconds(1)) > 0,
                "the guard to make redis-" + replica + " promotable");
        assertThat(stack.redisNode(masterPort).endpoint().replicaPriority(Duration.ofSeconds(1))).isZero();

        int nowhere = io.quondam.stack.FreePorts.allocate(1).get(0);
        stack.guard().kill9();
        try (var jedis = endpoint.connect(Duration.ofSeconds(1))) {
            jedis.replicaof("127.0.0.1", nowhere); // its link is down from now on
            jedis.configSet("replica-priority", "100"); // as a stale setting would leave it
            stack.startGuard();
            Await.until(Duration.ofSeconds(10), () -> endpoint.replicaPriority(Duration.ofSeconds(1)) == 0,
                    "the restarted guard to make redis-" + replica + " unpromotable");

            jedis.replicaof("127.0.0.1", masterPort);
        }
        Await.until(Duration.ofSeconds(10), () -> endpoint.replicaPriority(Duration.ofSeconds(1)) > 0,
                "the guard to make redis-" + replica + " promotable once it caught up again");
    }

    private List<Integer> replicaPorts() {
        int masterPort = RedisEndpoint.parse(stack.currentMasterAddress(), "").port();
        return stack.options().redisPorts().stream().filter(port -> port != masterPort).toList();
    }

    /**
     * Every other test here runs as the services' ACL user, which shows that its rules allow all that the store does;
     * this one shows that they allow nothing more: no other command, no key outside {@code q:*}, and no loaded script
     * that calls a command the user lacks.
     */
    @Test
    void shouldRefuseTheServiceUserEveryOtherCommandAndKey() {
        var address = RedisEndpoint.parse(stack.currentMasterAddress(), "");
        try (var jedis = address.connectAsService(Duration.ofSeconds(2))) {
            assertThat(jedis.ping()).isEqualTo("PONG");
            assertThat(jedis.set("q:{acl}:allowed", "owner")).isEqualTo("OK");
            assertThat(jedis.get("q:{acl}:allowed")).isEqualTo("owner");
            assertNoPermission(() -> jedis.set("other:key", "owner"));
            assertNoPermission(() -> jedis.get("other:key"));
            assertNoPermission(() -> jedis.hset("q:{acl}:hash", "o", "owner"));
            assertNoPermission(() -> jedis.hmget("q:{acl}:hash", "o"));
            assertNoPermission(() -> jedis.pexpire("q:{acl}:allowed", 1000));
            assertNoPermission(jedis::flushAll);
            assertNoPermission(() -> jedis.configGet("requirepass"));
            assertNoPermission(() -> jedis.keys("*"));
            assertNoPermission(() -> jedis.eval("return 1"));
            assertNoPermission(() -> jedis.aclList());
            String flush = jedis.scriptLoad("return redis.call('FLUSHALL')");
            assertThatThrownBy(() -> jedis.evalsha(flush)).isInstanceOf(JedisDataException.class)
                    .hasMessageContaining("can't run this command");
            assertThat(jedis.del("q:{acl}:allowed")).isEqualTo(1);
        }
    }

    private static void assertNoPermission(Runnable command) {
        assertThatThrownBy(command::run).isInstanceOf(JedisDataException.class).hasMessageContaining("NOPERM");
    }

    /**
     * A master whose replicas stopped acknowledging refuses writes (min-replicas-to-write); the API's claim reads
     * first, so a retry of a completed request still gets its stored response and a competing request its answer.
     */
    @Test
    void shouldAnswerCompletedAndBusyKeysWhileTheMasterRefusesWrites() {
        var store = open(RetryPolicy.defaults());
        String done = "done-" + UUID.randomUUID();
        String busy = "busy-" + UUID.randomUUID();
        store.claimKey("it", done, "owner-a", DAY, Optional.of("fp-1"));
        store.complete("it", done, "owner-a", "{\"ok\":true}", Optional.empty());
        store.claimKey("it", busy, "owner-a", DAY, Optional.empty());
        var probe = open(new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10)));
        var replicas = stack.pauseReplicas();
        try {
            Await.until(Duration.ofSeconds(20), () -> {
                try {
                    probe.claimKey("it", "probe-" + UUID.randomUUID(), "owner-p", DAY, Optional.empty());
                    return false;
                } catch (KeyStoreUnavailableException e) {
                    return e.getMessage().contains("NOREPLICAS");
                }
            }, "the master to refuse writes once its replicas stopped acknowledging");

            assertThat(store.claimKey("it", done, "owner-b", DAY, Optional.empty()))
                    .isInstanceOfSatisfying(KeyClaim.Completed.class,
                            completed -> assertThat(completed.response()).isEqualTo("{\"ok\":true}"));
            assertThat(store.claimKey("it", busy, "owner-b", DAY, Optional.empty()))
                    .isInstanceOf(KeyClaim.InProgress.class);
        } finally {
            stack.resume(replicas);
        }
    }

    @Test
    void shouldSkipWaitWhenNothingWasWritten() {
        var store = open(RetryPolicy.defaults());
        store.claim("it", "dup", "owner-a", DAY);
        store.awaitReplication(1, Duration.ofSeconds(2));
        var replicas = stack.pauseReplicas();
        try {
            assertThat(store.claim("it", "dup", "owner-b", DAY)).isInstanceOf(ClaimResult.Duplicate.class);

            store.awaitReplication(1, Duration.ofMillis(300)); // a duplicate wrote nothing: no WAIT, no failure
        } finally {
            stack.resume(replicas);
        }
    }

    @Test
    void shouldReloadScriptWhenRedisForgotIt() {
        var store = open(RetryPolicy.defaults());
        String key = "flush-" + UUID.randomUUID();
        store.claim("it", key, "owner-a", DAY);
        try (var master = RedisEndpoint.parse(stack.currentMasterAddress(), stack.redisPassword())
                .connect(Duration.ofSeconds(2))) {
            master.scriptFlush();
        }

        // A new key needs no script; a replay does.
        assertThat(store.claim("it", key, "owner-a", DAY)).isInstanceOf(ClaimResult.Replayed.class);
        assertThat(store.claimKey("it", "api-" + key, "req-1", DAY, Optional.empty()))
                .isInstanceOf(KeyClaim.Claimed.class);
    }

    /**
     * A replay writes its claim again on the replaying connection, so that this connection's WAIT covers the key: the
     * first claim may have been made through a connection whose writes were never confirmed (a crashed instance).
     * From Redis 7.0 WAIT counts only a connection's own writes, so without that write it would confirm nothing. On
     * Redis 6.2, which the local stack runs, any command (the claim's GET) already makes WAIT cover everything the
     * master held at that moment, so this test cannot tell the two apart there.
     */
    @Test
    void shouldWriteAReplayAgainSoThatItsOwnWaitCoversIt() {
        String key = "replay-" + UUID.randomUUID();
        open(RetryPolicy.defaults()).claim("it", key, "payments-0@7", DAY);
        var replaying = open(RetryPolicy.defaults());
        replaying.claim("it", "other-" + key, "payments-0@8", DAY);
        replaying.awaitReplication(1, Duration.ofSeconds(5)); // everything this connection wrote so far is confirmed
        var replicas = stack.pauseReplicas();
        try {
            assertThat(replaying.claim("it", key, "payments-0@7", DAY)).isInstanceOf(ClaimResult.Replayed.class);

            assertThatThrownBy(() -> replaying.awaitReplication(1, Duration.ofMillis(300)))
                    .isInstanceOf(ReplicationException.class).hasMessageContaining("only 0 replica(s)");
        } finally {
            stack.resume(replicas);
        }
    }

    @Test
    void shouldReportUnavailableWithinRetryBudgetWhenRedisIsUnreachable() {
        var store = open(RedisSettings.sentinel(stack.sentinelAddresses(), stack.masterName(), "",
                        stack.sentinelPassword())
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD)
                .withRetry(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200)))
                .withTimeouts(Duration.ofMillis(200), Duration.ofMillis(200)));
        store.claim("it", "warm-up-" + UUID.randomUUID(), "owner-a", DAY);
        stack.pauseRedis();
        try {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.claim("it", "while-down", "owner-a", DAY))
                    .isInstanceOf(KeyStoreUnavailableException.class).hasMessageContaining("after 3 attempts");
            // 3 attempts, each asking 3 silent Sentinels with a 200 ms timeout, plus backoff
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            stack.resumeRedis();
        }
        Await.until(Duration.ofSeconds(20), () -> {
            try {
                return store.claim("it", "after-outage", "owner-a", DAY).ownedByCaller();
            } catch (KeyStoreUnavailableException e) {
                return false;
            }
        }, "claims to work again after Redis resumed");
    }

    @Test
    void shouldReachTheMasterThroughTheAddressMapAndBeUnavailableWhileThatRouteIsBlackholed() {
        String announced = stack.currentMasterAddress();
        var master = RedisEndpoint.parse(announced, stack.redisPassword());
        try (var proxy = FaultProxy.start(master.host(), master.port())) {
            var store = open(RedisSettings.sentinel(stack.sentinelAddresses(), stack.masterName(),
                            "", stack.sentinelPassword())
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD)
                    .withRetry(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofMillis(100)))
                    .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300))
                    .withAddressMap(Map.of(announced, proxy.address())));

            assertThat(store.claim("it", "proxied-" + UUID.randomUUID(), "owner-a", DAY))
                    .isInstanceOf(ClaimResult.Claimed.class);
            assertThat(proxy.connectionsAccepted()).isPositive();

            // The Sentinels still answer directly; only the mapped route to the master is cut.
            proxy.blackhole();
            assertThatThrownBy(() -> store.claim("it", "blackholed-" + UUID.randomUUID(), "owner-a", DAY))
                    .isInstanceOf(KeyStoreUnavailableException.class).hasMessageContaining("after 2 attempts");

            proxy.pass();
            assertThat(store.claim("it", "after-blackhole-" + UUID.randomUUID(), "owner-a", DAY))
                    .isInstanceOf(ClaimResult.Claimed.class);
        }
    }

    /**
     * The connection that made two claims dies with its master before WAIT. The session claims them again on the
     * promoted replica: one is still its own (replayed) and is confirmed there; the other was lost and another owner
     * has claimed it since, so those claims cannot be confirmed and the caller must not commit.
     */
    @Test
    void shouldSendUnconfirmedClaimsAgainToTheNewMasterAndRefuseThemIfAnotherOwnerHasOne() {
        var store = open(new RetryPolicy(20, Duration.ofMillis(100), Duration.ofSeconds(1)));
        String kept = "failover-kept-" + UUID.randomUUID();
        String taken = "failover-taken-" + UUID.randomUUID();
        store.claim("it", "confirmed-" + UUID.randomUUID(), "payments-1@6", DAY);
        store.awaitReplication(1, Duration.ofSeconds(5));
        assertThat(store.claim("it", kept, "payments-1@7", DAY)).isInstanceOf(ClaimResult.Claimed.class);
        String oldMaster = stack.currentMasterAddress();

        int killed = stack.killRedisMaster();
        try {
            String newMaster = stack.awaitNewMaster(oldMaster, Duration.ofSeconds(30));
            // The session finds the new master by itself; the claim either survived (replayed) or was lost (claimed).
            assertThat(store.claim("it", taken, "payments-1@8", DAY).ownedByCaller()).isTrue();
            store.awaitReplication(1, Duration.ofSeconds(10));
            assertThat(registry.get("quondam.redis.claims.resent").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("quondam.redis.failovers").counter().count()).isGreaterThanOrEqualTo(1);
            // The promoted replica continues the history the first claim was confirmed on, past its offset.
            assertThat(registry.get("quondam.redis.confirmed.lost").counter().count()).isZero();
            assertThat(registry.get("quondam.redis.confirmed.unverified").counter().count()).isZero();
            var other = open(RetryPolicy.defaults());
            assertThat(other.claim("it", kept, "payments-2@1", DAY)).isInstanceOf(ClaimResult.Duplicate.class);

            // Unconfirmed again, the second claim is lost with a connection, and another owner takes the key.
            assertThat(store.claim("it", taken, "payments-1@8", DAY)).isInstanceOf(ClaimResult.Replayed.class);
            try (var admin = RedisEndpoint.parse(newMaster, stack.redisPassword()).connect(Duration.ofSeconds(2))) {
                admin.del(RedisKeys.of("it", taken));
                admin.clientKill(new redis.clients.jedis.params.ClientKillParams().user(StackOptions.SERVICE_USER));
            }
            assertThat(other.claim("it", taken, "payments-2@2", DAY)).isInstanceOf(ClaimResult.Claimed.class);
            assertThatThrownBy(() -> store.awaitReplication(1, Duration.ofSeconds(10)))
                    .isInstanceOf(ReplicationException.class).hasMessageContaining(taken)
                    .hasMessageContaining("payments-2@2");
        } finally {
            stack.restartRedisNode(killed);
        }
    }
}
