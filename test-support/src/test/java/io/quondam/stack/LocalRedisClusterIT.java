package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/** One cluster for the class; the tests run in order because the last one kills a master. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRedisClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static LocalRedisCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = LocalRedisCluster.start(Path.of("target", "it-cluster"), 3, "cluster-secret");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static int masterOf(String key) {
        int slot = JedisClusterCRC16.getSlot(key);
        return cluster.masterPorts().get(slot * cluster.masterPorts().size() / LocalRedisCluster.SLOTS);
    }

    private static Jedis asServiceUser(int port) {
        return cluster.node(port).endpoint().connectAsService(TIMEOUT);
    }

    @Test
    @Order(1)
    void shouldSplitTheSlotsEvenlyAndServeEachKeyOnItsMaster() {
        assertThat(cluster.allPorts()).hasSize(6);
        for (String key : new String[] {"q:a", "q:b", "q:c", "q:d"}) {
            try (var jedis = asServiceUser(masterOf(key))) {
                assertThat(jedis.set(key, "1")).isEqualTo("OK");
            }
        }
        String key = "q:a";
        int other = cluster.masterPorts().stream().filter(port -> port != masterOf(key)).findFirst().orElseThrow();
        try (var jedis = asServiceUser(other)) {
            assertThatThrownBy(() -> jedis.get(key)).isInstanceOf(JedisMovedDataException.class);
        }
    }

    @Test
    @Order(2)
    void shouldPromoteTheReplicaOfAKilledMaster() {
        int master = cluster.masterPorts().get(0);
        int replica = cluster.allPorts().get(cluster.masterPorts().size());
        String key = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "q:k" + i)
                .filter(k -> masterOf(k) == master).findFirst().orElseThrow();
        try (var jedis = asServiceUser(master)) {
            jedis.set(key, "before");
            assertThat(jedis.waitReplicas(1, 2_000)).isEqualTo(1);
        }
        cluster.node(master).process().kill9();

        cluster.awaitMaster(replica, Duration.ofSeconds(30));
        try (var jedis = asServiceUser(replica)) {
            assertThat(jedis.get(key)).isEqualTo("before");
        }
    }

    /**
     * Why one replica per shard keeps every confirmed claim (docs/durability.md): a replica restarted empty does not
     * stand for election before its first sync has ended, so a master lost during that sync is not replaced by an
     * empty node; the shard waits without a master instead.
     */
    @Test
    @Order(3)
    void shouldNotElectAReplicaThatHasNotSyncedSinceItsRestart() {
        int restarted = cluster.masterPorts().get(0); // killed by the test before, its replica now master
        int master = cluster.allPorts().get(cluster.masterPorts().size());
        try (var jedis = cluster.node(master).endpoint().connect(TIMEOUT)) {
            jedis.configSet("repl-diskless-sync-delay", "60"); // holds the restarted node's sync open
        }
        Await.until(Duration.ofSeconds(10), () -> cluster.failedOverFrom(restarted),
                "every node to learn of the failover");
        cluster.restart(restarted);
        // It asks the master for a resync, which the master holds back: its link stays down, its keys none.
        Await.until(Duration.ofSeconds(10), () -> replication(restarted).contains("role:slave"),
                "redis-" + restarted + " to rejoin as a replica");
        assertThat(replication(restarted)).contains("master_link_status:down");

        cluster.node(master).process().kill9();
        // Once cluster-node-timeout (2 s) has passed, the replica weighs standing for election and declines.
        Await.until(Duration.ofSeconds(30), () -> log(restarted).contains("Currently unable to failover"),
                "redis-" + restarted + " to decline an election");

        assertThat(log(restarted)).contains("Disconnected from master for longer than allowed");
        assertThat(replication(restarted)).contains("role:slave");
    }

    private static String log(int port) {
        try {
            return java.nio.file.Files.readString(cluster.node(port).process().logFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String replication(int port) {
        try (var jedis = cluster.node(port).endpoint().connect(TIMEOUT)) {
            return jedis.info("replication");
        }
    }
}
