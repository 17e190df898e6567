package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.stack.LocalRedisCluster;
import io.quondam.stack.StackOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The key-store contract on a Redis Cluster of three shards, each a master and a replica, as the service user. */
class RedisClusterKeyStoreIT extends KeyStoreContract {
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

    /** The master that serves {@code slot} now, as the cluster's first node says. */
    private static int masterPortOf(int slot) {
        try (var jedis = cluster.node(cluster.masterPorts().get(0)).endpoint().connect(Duration.ofSeconds(2))) {
            return ClusterSlots.parse(jedis.clusterSlots()).masterOf(slot).getPort();
        }
    }
}
