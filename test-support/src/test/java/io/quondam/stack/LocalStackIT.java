package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** One stack for the class; the tests run in order because failover and pause change it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.start(StackOptions.ephemeral(Path.of("target", "it-stack")));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void shouldReportTheFirstDataNodeAsMaster() {
        assertThat(stack.currentMasterAddress()).isEqualTo("127.0.0.1:" + stack.options().redisPorts().get(0));
    }

    @Test
    @Order(2)
    void shouldReplicateAWriteOnTheMasterToAReplica() {
        try (Jedis master = master().connect(TIMEOUT)) {
            master.set("q:test:replicated", "yes");
        }
        try (Jedis replica = stack.redisNode(stack.options().redisPorts().get(1)).endpoint().connect(TIMEOUT)) {
            Await.until(Duration.ofSeconds(5), () -> "yes".equals(replica.get("q:test:replicated")),
                    "the write to reach the replica");
        }
    }

    @Test
    @Order(3)
    void shouldConsumeBackWhatWasProducedToPayments() throws Exception {
        List<String> sent = IntStream.range(0, 10).mapToObj(i -> "payment-" + i).toList();
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            for (String value : sent) {
                producer.send(new ProducerRecord<>("payments", value, value)).get();
            }
        }

        var received = new ArrayList<String>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "local-stack-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("payments"));
            Await.until(Duration.ofSeconds(30), () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> received.add(record.value()));
                return received.size() >= sent.size();
            }, "10 records on payments");
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    @Order(4)
    void shouldPromoteAReplicaThatAcceptsWritesWhenTheMasterIsKilled() {
        String oldMaster = stack.currentMasterAddress();

        int killedPort = stack.killRedisMaster();
        String newMaster = stack.awaitNewMaster(oldMaster, Duration.ofSeconds(30));

        assertThat(killedPort).isEqualTo(RedisEndpoint.parse(oldMaster, "").port());
        assertThat(newMaster).isNotEqualTo(oldMaster);
        // The new master refuses writes (NOREPLICAS) until the other replica has synced with it.
        Await.until(Duration.ofSeconds(15), () -> writes(RedisEndpoint.parse(newMaster, stack.redisPassword())),
                "the new master " + newMaster + " to accept a write");
    }

    @Test
    @Order(5)
    void shouldRejoinARestartedNodeAsReplica() {
        int oldMasterPort = stack.options().redisPorts().get(0);

        RedisNode restarted = stack.restartRedisNode(oldMasterPort);

        assertThat(restarted.endpoint().role(TIMEOUT)).isEqualTo("slave");
    }

    @Test
    @Order(6)
    void shouldMakeRedisUnreachableWhilePaused() {
        RedisEndpoint master = master();

        stack.pauseRedis();
        try {
            assertThatThrownBy(() -> {
                try (Jedis jedis = master.connect(Duration.ofMillis(500))) {
                    jedis.ping();
                }
            }).isInstanceOf(JedisException.class);
        } finally {
            stack.resumeRedis();
        }
        assertThat(master.answersPing(TIMEOUT)).isTrue();
    }

    @Test
    @Order(7)
    void shouldKeepTopicsAcrossABrokerRestart() throws Exception {
        stack.kafka().restart();

        try (var admin = stack.kafka().admin()) {
            assertThat(admin.listTopics().names().get()).contains("payments", "payments.dedup", "payments.dlq",
                    "payments.duplicates");
        }
    }

    @Test
    @Order(8)
    void shouldStartAnApplicationJvmWithTheStackEnvironmentAndKillIt() {
        ChildProcess app = stack.startJvm("blocking-app",
                ChildJvm.of(BlockingMain.class.getName()).withJvmOptions("-Xmx32m")
                        .withEnvironment(stack.environment()));
        Await.until(Duration.ofSeconds(15),
                () -> app.logTail(1).contains("QUONDAM_BOOTSTRAP_SERVERS=" + stack.bootstrapServers()),
                "the application to start with the stack environment");

        app.kill9();

        assertThat(app.isAlive()).isFalse();
    }

    @Test
    @Order(9)
    void shouldLeaveNoProcessRunningWhenClosed() {
        stack.startJvm("left-running", ChildJvm.of(BlockingMain.class.getName()).withJvmOptions("-Xmx32m"));
        List<ChildProcess> processes = stack.processes();
        assertThat(processes).hasSize(10).anyMatch(process -> process.toString().startsWith("redis-guard"));

        stack.close();

        assertThat(processes).noneMatch(ChildProcess::isAlive);
    }

    private static RedisEndpoint master() {
        return RedisEndpoint.parse(stack.currentMasterAddress(), stack.redisPassword());
    }

    private static boolean writes(RedisEndpoint endpoint) {
        try (Jedis jedis = endpoint.connect(TIMEOUT)) {
            return "OK".equals(jedis.set("q:test:after-failover", "yes"));
        } catch (JedisException e) {
            return false;
        }
    }
}
