package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.stack.Await;
import io.quondam.stack.LocalRedisCluster;
import io.quondam.stack.StackOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisAskDataException;

/** The key-store contract on a Redis Cluster of three shards, each a master and a replica, as the service user. */
class RedisClusterKeyStoreIT extends KeyStoreContract {
    private static final Duration TTL = Duration.ofMinutes(5);
    private static LocalRedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LocalRedisCluster.start(Path.of("target", "it-cluster"), 3, "cluster-admin-secret");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static RedisSettings settings() {
        return RedisSettings.cluster(cluster.seeds(), "")
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD);
    }

    @Override
    protected KeyStore newSession() {
        return new RedisClusterKeyStore(settings(), new SimpleMeterRegistry(), "contract");
    }

    /** A batch spread over every shard comes back in order, and every shard's replica holds its part. */
    @Test
    void shouldSplitABatchOverTheShardsAndConfirmEachOnItsReplica() {
        try (var store = newSession()) {
            var requests = new ArrayList<ClaimRequest>();
            for (int i = 0; i < 300; i++) {
                requests.add(new ClaimRequest("cluster-batch", "k" + i, "owner-" + i, Duration.ofMinutes(5)));
            }
            var results = store.claimAll(requests);
            assertThat(results).hasSize(300);
            for (int i = 0; i < 300; i++) {
                assertThat(results.get(i)).isEqualTo(new ClaimResult.Claimed("owner-" + i));
            }
            store.awaitReplication(1, Duration.ofSeconds(5));

            var perShard = new HashMap<Integer, Integer>();
            for (var request : requests) {
                int slot = ClusterSlots.slotOf(RedisKeys.of(request.namespace(), request.key()));
                perShard.merge(slot * 3 / ClusterSlots.SLOTS, 1, Integer::sum);
            }
            assertThat(perShard).hasSize(3).allSatisfy((shard, keys) -> assertThat(keys).isBetween(70, 130));
            assertThat(store.claimAll(List.of(requests.get(7), requests.get(250))))
                    .containsExactly(new ClaimResult.Replayed("owner-7"), new ClaimResult.Replayed("owner-250"));
        }
    }

    /**
     * A slot moves to another shard with its keys while a session still holds the old slot map: the session follows
     * MOVED, finds the key where it went, and neither claims it again nor loses its owner.
     */
    @Test
    void shouldFollowAKeyWhoseSlotMovedToAnotherShard() {
        try (var store = newSession()) {
            assertThat(store.claim("cluster-move", "moving", "owner-1", Duration.ofMinutes(5)))
                    .isEqualTo(new ClaimResult.Claimed("owner-1"));
            store.awaitReplication(1, Duration.ofSeconds(5));
            int slot = ClusterSlots.slotOf(RedisKeys.of("cluster-move", "moving"));
            int source = masterPortOf(slot);
            int target = cluster.masterPorts().stream().filter(port -> port != source).findFirst().orElseThrow();

            cluster.moveSlot(slot, source, target);

            assertThat(store.claim("cluster-move", "moving", "owner-1", Duration.ofMinutes(5)))
                    .isEqualTo(new ClaimResult.Replayed("owner-1"));
            assertThat(store.claim("cluster-move", "moving", "owner-2", Duration.ofMinutes(5)))
                    .isEqualTo(new ClaimResult.Duplicate("owner-1"));
            store.awaitReplication(1, Duration.ofSeconds(5));
        }
    }

    /**
     * A live slot move: the source answers ASK for the keys of the slot it no longer holds, moved ones and new ones
     * alike. The claim writes none of them, neither on the source nor on the target; it is routed again after each
     * pause, and once the move completes it finds each key's owner on the target: no double claim, no owner lost.
     */
    @Test
    void shouldWaitOutALiveSlotMoveAndFindEachKeyWhereItWent() {
        try (var store = newSession()) {
            assertThat(store.claim("cluster-ask", "moved", "owner-1", TTL))
                    .isEqualTo(new ClaimResult.Claimed("owner-1"));
            store.awaitReplication(1, Duration.ofSeconds(5));
            byte[] moved = RedisKeys.of("cluster-ask", "moved");
            int slot = ClusterSlots.slotOf(moved);
            String fresh = keyInSlot("cluster-ask", slot);
            int source = masterPortOf(slot);
            int target = cluster.masterPorts().stream().filter(port -> port != source).findFirst().orElseThrow();
            cluster.beginSlotMove(slot, source, target);
            cluster.migrateSlotKeys(slot, source, target);
            try (var jedis = admin(source)) {
                assertThatThrownBy(() -> jedis.get(moved)).isInstanceOf(JedisAskDataException.class);
            }

            long asked = asks(source);
            // The move completes once the claim below has met ASK, so the claim is in flight while the slot moves.
            var finishing = CompletableFuture.runAsync(() -> {
                Await.until(Duration.ofSeconds(10), () -> asks(source) > asked, "the claim to be answered ASK");
                cluster.finishSlotMove(slot, target);
            });
            var results = store.claimAll(List.of(new ClaimRequest("cluster-ask", "moved", "owner-2", TTL),
                    new ClaimRequest("cluster-ask", fresh, "owner-3", TTL),
                    new ClaimRequest("cluster-ask", "moved", "owner-1", TTL)));
            finishing.join();

            assertThat(results).containsExactly(new ClaimResult.Duplicate("owner-1"),
                    new ClaimResult.Claimed("owner-3"), new ClaimResult.Replayed("owner-1"));
            store.awaitReplication(1, Duration.ofSeconds(5));
            try (var jedis = admin(target)) {
                assertThat(jedis.exists(RedisKeys.of("cluster-ask", fresh))).isTrue();
            }
        }
    }

    /**
     * A slot that stays in motion longer than the redirects wait for (about 3 s): the claim fails as unavailable, for
     * the caller to retry, and wrote the key on no node; once the move completes the key is claimed as new.
     */
    @Test
    void shouldFailAsUnavailableAndWriteNothingWhileASlotStaysInMotion() {
        try (var store = newSession()) {
            byte[] stuck = RedisKeys.of("cluster-ask", "stuck");
            int slot = ClusterSlots.slotOf(stuck);
            int source = masterPortOf(slot);
            int target = cluster.masterPorts().stream().filter(port -> port != source).findFirst().orElseThrow();
            cluster.beginSlotMove(slot, source, target);
            var before = List.of(keysInSlot(source, slot), keysInSlot(target, slot));

            assertThatThrownBy(() -> store.claim("cluster-ask", "stuck", "owner-1", TTL))
                    .isInstanceOf(KeyStoreUnavailableException.class).hasMessageContaining("still moving");
            assertThat(List.of(keysInSlot(source, slot), keysInSlot(target, slot))).isEqualTo(before);

            cluster.finishSlotMove(slot, target);
            assertThat(store.claim("cluster-ask", "stuck", "owner-2", TTL))
                    .isEqualTo(new ClaimResult.Claimed("owner-2"));
        }
    }

    /**
     * A resharding moves a master's lowest slot, which names that shard's session, to another master: a session that
     * had claimed on every shard goes on claiming on every shard, and finds each key it held.
     */
    @Test
    void shouldGoOnAfterAReshardingMovesTheSlotThatNamesASession() {
        try (var store = newSession()) {
            var held = new ArrayList<ClaimRequest>();
            var fresh = new ArrayList<ClaimRequest>();
            int anchor = 0;
            // A key of the moved slot in each batch, so that the session meets MOVED and reads the new slot map.
            String[] inAnchor = IntStream.range(0, 1_000_000).mapToObj(i -> "anchored-" + i)
                    .filter(key -> ClusterSlots.slotOf(RedisKeys.of("cluster-anchor", key)) == anchor).limit(2)
                    .toArray(String[]::new);
            held.add(new ClaimRequest("cluster-anchor", inAnchor[0], "owner-a", TTL));
            fresh.add(new ClaimRequest("cluster-anchor", inAnchor[1], "owner-a", TTL));
            for (int i = 0; i < 60; i++) {
                held.add(new ClaimRequest("cluster-anchor", "held-" + i, "owner-" + i, TTL));
                fresh.add(new ClaimRequest("cluster-anchor", "fresh-" + i, "owner-" + i, TTL));
            }
            assertThat(store.claimAll(held)).allMatch(ClaimResult.Claimed.class::isInstance);
            store.awaitReplication(1, Duration.ofSeconds(5));
            int source = masterPortOf(anchor);
            int target = cluster.masterPorts().stream().filter(port -> port != source).findFirst().orElseThrow();

            cluster.moveSlot(anchor, source, target);

            assertThat(store.claimAll(held)).allMatch(ClaimResult.Replayed.class::isInstance);
            assertThat(store.claimAll(fresh)).allMatch(ClaimResult.Claimed.class::isInstance);
            store.awaitReplication(1, Duration.ofSeconds(5));
        }
    }

    /** A key of {@code namespace} whose Redis key hashes to {@code slot}. */
    private static String keyInSlot(String namespace, int slot) {
        return IntStream.range(0, 1_000_000).mapToObj(i -> "fresh-" + i)
                .filter(key -> ClusterSlots.slotOf(RedisKeys.of(namespace, key)) == slot).findFirst().orElseThrow();
    }

    /** How many ASK replies the node on {@code port} has given ({@code INFO errorstats}). */
    private static long asks(int port) {
        try (var jedis = admin(port)) {
            return jedis.info("errorstats").lines().filter(line -> line.startsWith("errorstat_ASK:count="))
                    .mapToLong(line -> Long.parseLong(line.substring("errorstat_ASK:count=".length()).strip()))
                    .sum();
        }
    }

    private static long keysInSlot(int port, int slot) {
        try (var jedis = admin(port)) {
            return jedis.clusterCountKeysInSlot(slot);
        }
    }

    private static Jedis admin(int port) {
        return cluster.node(port).endpoint().connect(Duration.ofSeconds(2));
    }

    /** The master that serves {@code slot} now, as the cluster's first node says. */
    private static int masterPortOf(int slot) {
        try (var jedis = cluster.node(cluster.masterPorts().get(0)).endpoint().connect(Duration.ofSeconds(2))) {
            return ClusterSlots.parse(jedis.clusterSlots()).masterOf(slot).getPort();
        }
    }
}
