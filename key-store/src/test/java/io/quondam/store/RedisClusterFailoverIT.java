package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.stack.Await;
import io.quondam.stack.LocalRedisCluster;
import io.quondam.stack.StackOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** kill -9 of one shard's master under a cluster session: nothing it confirmed is lost, and claims go on. */
class RedisClusterFailoverIT {
    private static final Duration TTL = Duration.ofMinutes(10);
    private static LocalRedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LocalRedisCluster.start(Path.of("target", "it-cluster-failover"), 3, "cluster-admin-secret");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<ClaimRequest> batch(String prefix, String owner, int size) {
        var requests = new ArrayList<ClaimRequest>();
        for (int i = 0; i < size; i++) {
            requests.add(new ClaimRequest("cluster-failover", prefix + i, owner + i, TTL));
        }
        return requests;
    }

    @Test
    void shouldKeepEveryConfirmedClaimAndGoOnClaimingWhenAShardMasterIsKilled() {
        var settings = RedisSettings.cluster(cluster.seeds(), "")
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD);
        var registry = new SimpleMeterRegistry();
        try (var store = new RedisClusterKeyStore(settings, registry, "failover-it")) {
            var confirmed = batch("before-", "first-", 300);
            assertThat(store.claimAll(confirmed)).allMatch(ClaimResult.Claimed.class::isInstance);
            store.awaitReplication(1, Duration.ofSeconds(5));

            int killed = cluster.killMasterOf(0);
            // Waits until the nodes' shared slot map names the new master, not only until the replica says so.
            cluster.awaitPromotion(killed, 0, Duration.ofSeconds(30));
            // The promoted master takes writes again once it has a replica (min-replicas-to-write 1).
            cluster.restart(killed);

            var after = batch("after-", "second-", 300);
            Await.until(Duration.ofSeconds(60), () -> {
                try {
                    store.claimAll(after);
                    store.awaitReplication(1, Duration.ofSeconds(5));
                    return true;
                } catch (KeyStoreUnavailableException | ReplicationException e) {
                    return false;
                }
            }, "claims to be confirmed again after the failover");

            var rivals = batch("before-", "rival-", 300);
            var results = store.claimAll(rivals);
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i)).isEqualTo(new ClaimResult.Duplicate("first-" + i));
            }
            assertThat(store.claimAll(after)).allMatch(ClaimResult.Replayed.class::isInstance);
            assertThat(registry.get("quondam.redis.failovers").counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("quondam.redis.confirmed.lost").counter().count()).isZero();
        }
    }
}
