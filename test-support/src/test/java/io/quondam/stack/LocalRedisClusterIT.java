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
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
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
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder()
                .user(StackOptions.SERVICE_USER).password(StackOptions.SERVICE_PASSWORD)
                .socketTimeoutMillis((int) TIMEOUT.toMillis()).build());
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
}
