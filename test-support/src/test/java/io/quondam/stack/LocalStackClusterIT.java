package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The local stack with a Redis Cluster instead of Sentinels; in order, because the later tests fail shards over. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);
    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(StackOptions.ephemeral(Path.of("target", "it-stack-cluster")).withRedisCluster(3));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldPointTheServicesAtTheClusterAndNotAtSentinels() {
        var env = stack.environment();
        assertThat(env).containsEntry("QUONDAM_REDIS_MODE", "cluster")
                .containsEntry("QUONDAM_REDIS_USER", StackOptions.SERVICE_USER)
                .doesNotContainKeys("QUONDAM_REDIS_SENTINELS", "QUONDAM_REDIS_MASTER_NAME",
                        "QUONDAM_SENTINEL_PASSWORD");
        assertThat(env.get("QUONDAM_REDIS_NODES").split(","))
                .containsExactlyElementsOf(stack.options().redisPorts().stream().map(port -> "127.0.0.1:" + port)
                        .toList());
        var topology = stack.redisCluster().topology();
        assertThat(topology.masters()).containsExactlyElementsOf(stack.options().redisPorts().subList(0, 3));
        assertThat(topology.coversEverySlot()).isTrue();
        assertThatThrownBy(stack::currentMasterAddress).hasMessageContaining("Redis Cluster has no one master");
        assertThatThrownBy(stack::startGuard).isInstanceOf(StackException.class);
    }

    @Test
    @Order(2)
    void shouldFailTheShardsOverInTurnAndKeepWhatAReplicaAcknowledged() {
        String key = keyOnSlotOfShard(0);
        try (var jedis = asServiceUser(stack.options().redisPorts().get(0))) {
            jedis.set(key, "before");
            assertThat(jedis.waitReplicas(1, 2_000)).isEqualTo(1);
        }

        var first = stack.failOverRedis(FAILOVER_TIMEOUT);

        assertThat(first.killedPort()).isEqualTo(stack.options().redisPorts().get(0));
        assertThat(first.promoted()).isEqualTo("127.0.0.1:" + stack.options().redisPorts().get(3));
        try (var jedis = asServiceUser(stack.options().redisPorts().get(3))) {
            assertThat(jedis.get(key)).isEqualTo("before");
        }
        stack.restartRedisNode(first.killedPort());
        stack.awaitSettled(FAILOVER_TIMEOUT);

        var second = stack.failOverRedis(FAILOVER_TIMEOUT);
        assertThat(second.killedPort()).isEqualTo(stack.options().redisPorts().get(1));
        stack.restartRedisNode(second.killedPort());
        stack.awaitSettled(FAILOVER_TIMEOUT);
        assertThat(stack.liveRedisNodes()).hasSize(6);
    }

    @Test
    @Order(3)
    void shouldRefuseToRestartAKilledMasterBeforeItsReplicaTookItsSlots() {
        int slot = 2 * LocalRedisCluster.SLOTS / 3;
        int killed = stack.redisCluster().killMasterOf(slot);

        assertThat(stack.failedOverFrom(killed)).isFalse();
        assertThatThrownBy(() -> stack.restartRedisNode(killed)).isInstanceOf(StackException.class)
                .hasMessageContaining("still serves slots");

        stack.redisCluster().awaitPromotion(killed, slot, FAILOVER_TIMEOUT);
        assertThat(stack.failedOverFrom(killed)).isTrue();
        stack.restartRedisNode(killed);
        stack.awaitSettled(FAILOVER_TIMEOUT);
    }

    @Test
    @Order(4)
    void shouldStopEveryClusterNodeOnClose() {
        var nodes = stack.redisCluster().nodes();
        assertThat(nodes).hasSize(6).allMatch(RedisNode::isAlive);

        stack.close();

        assertThat(nodes).noneMatch(RedisNode::isAlive);
    }

    private static String keyOnSlotOfShard(int shard) {
        int to = (shard + 1) * LocalRedisCluster.SLOTS / 3;
        int from = shard * LocalRedisCluster.SLOTS / 3;
        return IntStream.range(0, 10_000).mapToObj(i -> "q:stack-" + i)
                .filter(k -> JedisClusterCRC16.getSlot(k) >= from && JedisClusterCRC16.getSlot(k) < to)
                .findFirst().orElseThrow();
    }

    private static Jedis asServiceUser(int port) {
        return stack.redisNode(port).endpoint().connectAsService(TIMEOUT);
    }
}
