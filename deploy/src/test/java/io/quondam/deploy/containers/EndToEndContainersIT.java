package io.quondam.deploy.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The built images end to end in Docker: payments with duplicates go into Kafka, the dedup-processor image claims
 * them in Redis, the payments-consumer image books them into PostgreSQL, and the ledger holds each payment once.
 * Runs with {@code -Pcontainers} after {@code scripts/build-images.sh --docker}; skipped when there is no Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class EndToEndContainersIT {
    private static final String REDIS_PASSWORD = "containers-redis";
    private static final String TAG = System.getProperty("quondam.image.tag", "local");
    private static final Network NETWORK = Network.newNetwork();

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1")
            .withNetwork(NETWORK)
            .withListener("kafka:19092");

    // Standalone Redis without replicas: the Sentinel failover is what the local-stack ITs and minikube test.
    @Container
    static final GenericContainer<?> REDIS = new GenericContainer<>("redis:7.4")
            .withNetwork(NETWORK)
            .withNetworkAliases("redis")
            .withCommand("redis-server", "--requirepass", REDIS_PASSWORD)
            .withExposedPorts(6379);

    @Container
    static final GenericContainer<?> POSTGRES = new GenericContainer<>("postgres:17")
            .withNetwork(NETWORK)
            .withNetworkAliases("postgres")
            .withEnv(Map.of("POSTGRES_DB", "ledger", "POSTGRES_USER", "quondam", "POSTGRES_PASSWORD", "ledger"))
            .withExposedPorts(5432)
            .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));

    private static GenericContainer<?> service(String name, int port, Map<String, String> env) {
        return new GenericContainer<>("quondam/" + name + ":" + TAG)
                .withNetwork(NETWORK)
                .withEnv(env)
                .withExposedPorts(port)
                .waitingFor(Wait.forHttp("/health/ready").forPort(port).withStartupTimeout(Duration.ofMinutes(2)));
    }

    @Test
    void shouldBookEveryPaymentOnceWhenProducersSendDuplicates() throws Exception {
        try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KAFKA.getBootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("payments", 6, (short) 1),
                    new NewTopic("payments.dedup", 6, (short) 1),
                    new NewTopic("payments.dlq", 6, (short) 1))).all().get();
        }
        try (var processor = service("dedup-processor", 8081, Map.of(
                "QUONDAM_BOOTSTRAP_SERVERS", "kafka:19092",
                "QUONDAM_REDIS_MODE", "standalone",
                "QUONDAM_REDIS_ADDRESS", "redis:6379",
                "QUONDAM_REDIS_PASSWORD", REDIS_PASSWORD,
                "QUONDAM_MIN_REPLICAS", "0",
                "QUONDAM_REPLICATION_FACTOR", "1",
                "QUONDAM_STATE_DIR", "/tmp/streams"));
             var ledger = service("payments-consumer", 8082, Map.of(
                     "QUONDAM_BOOTSTRAP_SERVERS", "kafka:19092",
                     "QUONDAM_DB_URL", "jdbc:postgresql://postgres:5432/ledger",
                     "QUONDAM_DB_USER", "quondam",
                     "QUONDAM_DB_PASSWORD", "ledger"))) {
            processor.start();
            ledger.start();

            int payments = 200;
            var properties = new Properties();
            properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
            try (var producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
                for (int copy = 0; copy < 3; copy++) {
                    for (int i = 0; i < payments; i++) {
                        String id = "p-" + i;
                        String value = "{\"paymentId\":\"" + id + "\",\"account\":\"acc-" + (i % 7)
                                + "\",\"amountMinor\":" + (100 + i) + ",\"currency\":\"EUR\","
                                + "\"createdAt\":\"2026-11-26T10:00:00Z\"}";
                        // A different record key per copy spreads the copies over partitions:
                        // only Redis can catch them.
                        producer.send(new ProducerRecord<>("payments", id + "#" + copy, value));
                    }
                }
            }

            JsonNode summary = awaitSummary(ledger, payments, Duration.ofMinutes(2));
            assertThat(summary.get("payments").asInt()).isEqualTo(payments);
            assertThat(summary.get("leakedDuplicates").asInt()).isZero();
            assertThat(summary.get("quarantined").asInt()).isZero();
        }
    }

    /** Polls GET /payments/summary until the ledger holds {@code expected} payments or the deadline passes. */
    private static JsonNode awaitSummary(GenericContainer<?> ledger, int expected, Duration timeout) throws Exception {
        var client = HttpClient.newHttpClient();
        var uri = URI.create("http://" + ledger.getHost() + ":" + ledger.getMappedPort(8082) + "/payments/summary");
        var mapper = new ObjectMapper();
        Instant deadline = Instant.now().plus(timeout);
        JsonNode summary = mapper.createObjectNode();
        while (Instant.now().isBefore(deadline)) {
            var response = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                summary = mapper.readTree(response.body());
                if (summary.path("payments").asInt() >= expected) {
                    return summary;
                }
            }
            // Each request is a full round trip to the ledger database: the polling paces itself without a sleep.
        }
        return summary;
    }
}
