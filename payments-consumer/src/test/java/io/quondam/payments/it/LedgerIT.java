package io.quondam.payments.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quondam.stack.Await;
import io.quondam.stack.ShippedJar;
import io.quondam.stack.ChildProcess;
import io.quondam.stack.FreePorts;
import io.quondam.stack.LocalStack;
import io.quondam.stack.PostgresNode;
import io.quondam.stack.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The payments-consumer as a real process ({@code io.quondam.payments.Main} in a child JVM) on a real broker and a
 * real PostgreSQL server. Each test has its own topic, consumer group and database, and ends with an exact count of
 * the ledger. The test that kills PostgreSQL runs last, since every test shares that server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LedgerIT {
    private static final int PARTITIONS = 3;
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration CATCH_UP = Duration.ofSeconds(90);
    private static final Pattern REDELIVERED = Pattern.compile("(?m)^quondam_ledger_redelivered_total (\\S+)");

    private static LocalStack stack;
    private static PostgresNode postgres;
    private static PaymentProducer producer;

    private String topic;
    private String name;
    private Ledger ledger;
    private final List<ChildProcess> consumers = new ArrayList<>();
    private int httpPort;
    private Path embeddedDataDir;

    @BeforeAll
    static void startStack() throws Exception {
        Path dir = Path.of("target", "it-stack");
        Files.createDirectories(dir);
        stack = LocalStack.start(StackOptions.ephemeral(dir).withTopics(Map.of()));
        postgres = stack.startPostgres();
        producer = new PaymentProducer(stack.bootstrapServers());
    }

    @AfterAll
    static void stopStack() {
        if (producer != null) {
            producer.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void createTopicAndDatabase(TestInfo test) {
        name = test.getTestMethod().orElseThrow().getName();
        topic = "payments.dedup." + name;
        stack.createTopics(Map.of(topic, PARTITIONS));
        String database = name.toLowerCase();
        ledger = new Ledger(postgres, postgres.createDatabase(database.substring(0, Math.min(60, database.length()))));
        httpPort = FreePorts.allocate(1).get(0);
    }

    @AfterEach
    void stopConsumers() throws Exception {
        ChildProcess.stopAll(consumers, Duration.ofSeconds(20));
        if (embeddedDataDir != null) {
            killEmbeddedPostgres(embeddedDataDir);
        }
    }

    private ChildProcess startConsumer() {
        var env = consumerEnvironment();
        env.put("QUONDAM_DB_URL", ledger.jdbcUrl());
        env.put("QUONDAM_DB_USER", postgres.user());
        env.put("QUONDAM_DB_PASSWORD", postgres.password());
        return startConsumer(env);
    }

    private ChildProcess startConsumer(Map<String, String> env) {
        var consumer = stack.startJvm("ledger-" + name + "-" + (consumers.size() + 1),
                ShippedJar.of("payments-consumer").childJvm().withJvmOptions("-Xmx256m").withEnvironment(env));
        consumers.add(consumer);
        return consumer;
    }

    private Map<String, String> consumerEnvironment() {
        var env = new HashMap<String, String>();
        env.put("QUONDAM_BOOTSTRAP_SERVERS", stack.bootstrapServers());
        env.put("QUONDAM_LEDGER_TOPIC", topic);
        env.put("QUONDAM_LEDGER_GROUP", "ledger-" + name);
        env.put("QUONDAM_HTTP_PORT", Integer.toString(httpPort));
        env.put("QUONDAM_POLL_TIMEOUT", "200ms");
        env.put("QUONDAM_MAX_POLL_RECORDS", "100");
        env.put("QUONDAM_DB_CONNECT_TIMEOUT", "2s");
        env.put("QUONDAM_DB_RETRY_MAX_BACKOFF", "1s");
        // A killed consumer's partitions move after this timeout (the broker's minimum is 6 s).
        env.put("QUONDAM_CONSUMER_SESSION_TIMEOUT_MS", "6000");
        env.put("QUONDAM_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000");
        return env;
    }

    private void awaitReady(ChildProcess consumer) {
        Await.until(START, () -> {
            consumer.requireAlive();
            return Ledger.status(httpPort, "/health/ready") == 200;
        }, consumer + " to be ready");
    }

    private void awaitPayments(ChildProcess consumer, long expected) {
        Await.until(CATCH_UP, () -> {
            consumer.requireAlive();
            return ledger.paymentsOrMinusOne() >= expected;
        }, expected + " payments in the ledger of " + consumer);
    }

    private void assertOffsetsStoredForEverythingWritten() throws Exception {
        Map<Integer, Long> stored = ledger.storedOffsets();
        Map<Integer, Long> endOfWritten = ledger.endOfWrittenRecords();
        assertThat(stored).containsOnlyKeys(endOfWritten.keySet());
        // The stored offset is one past the last record, or further when a transaction marker follows it.
        endOfWritten.forEach((partition, end) -> assertThat(stored.get(partition)).isGreaterThanOrEqualTo(end));
        var endOffsets = endOffsets();
        stored.forEach((partition, next) -> assertThat(next).isLessThanOrEqualTo(endOffsets.get(partition)));
    }

    private Map<Integer, Long> endOffsets() throws Exception {
        try (var admin = stack.kafka().admin()) {
            var request = new HashMap<org.apache.kafka.common.TopicPartition,
                    org.apache.kafka.clients.admin.OffsetSpec>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                request.put(new org.apache.kafka.common.TopicPartition(topic, partition),
                        org.apache.kafka.clients.admin.OffsetSpec.latest());
            }
            var ends = new HashMap<Integer, Long>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
            return ends;
        }
    }

    private double redeliveredMetric() throws Exception {
        var matcher = REDELIVERED.matcher(Ledger.get(httpPort, "/metrics").body());
        assertThat(matcher.find()).as("quondam_ledger_redelivered_total on /metrics").isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    @Order(1)
    void shouldBookEveryCommittedPaymentOnceStoreTheOffsetsAndStopGracefully() throws Exception {
        producer.sendCommitted(PaymentProducer.payments(topic, "pay", 2_000));
        producer.sendAborted(PaymentProducer.payments(topic, "aborted", 100));
        var consumer = startConsumer();

        awaitPayments(consumer, 2_000);
        awaitReady(consumer);

        assertThat(ledger.count("SELECT count(*) FROM payments")).isEqualTo(2_000);
        assertThat(ledger.count("SELECT count(*) FROM payments WHERE payment_id LIKE 'aborted-%'")).isZero();
        assertThat(ledger.count("SELECT sum(amount_minor) FROM payments")).isEqualTo(2_000L * 2_001 / 2);
        assertOffsetsStoredForEverythingWritten();
        var summary = Ledger.get(httpPort, "/payments/summary");
        assertThat(summary.statusCode()).isEqualTo(200);
        assertThat(summary.body())
                .startsWith("{\"payments\":2000,\"amountMinorByCurrency\":{\"EUR\":2001000},"
                        + "\"leakedDuplicates\":0,\"quarantined\":0,\"offsets\":{\"" + topic + "-0\":");

        assertThat(Ledger.get(httpPort, "/metrics").body())
                .contains("quondam_ledger_booked_total 2000.0")
                .contains("kafka_consumer_fetch_manager_records_consumed_total");

        ProcessHandle.of(consumer.pid()).ifPresent(ProcessHandle::destroy); // SIGTERM
        assertThat(consumer.awaitExit(Duration.ofSeconds(20))).as("exited on SIGTERM").isTrue();
        assertThat(Files.readString(consumer.logFile())).contains("payments-consumer stopped");
    }

    @Test
    @Order(2)
    void shouldBookExactlyOnceWhenTheConsumerIsKilledMidStream() throws Exception {
        int total = 20_000;
        producer.sendCommitted(PaymentProducer.payments(topic, "pay", total));

        var first = startConsumer();
        awaitPayments(first, 2_000);
        first.kill9();
        long atFirstKill = ledger.paymentsOrMinusOne();

        var second = startConsumer();
        awaitPayments(second, Math.min(total, atFirstKill + 5_000));
        second.kill9();
        long atSecondKill = ledger.paymentsOrMinusOne();

        var third = startConsumer();
        awaitPayments(third, total);
        awaitReady(third);

        assertThat(atFirstKill).as("killed mid-stream").isLessThan(total);
        assertThat(atSecondKill).as("killed mid-stream again").isLessThan(total);
        assertThat(ledger.count("SELECT count(*) FROM payments")).isEqualTo(total);
        assertThat(ledger.count("SELECT count(DISTINCT (source_partition, source_offset)) FROM payments"))
                .isEqualTo(total);
        assertThat(ledger.count("SELECT count(*) FROM leaked_duplicates")).isZero();
        assertThat(redeliveredMetric()).as("records delivered twice to the restarted consumer").isZero();
        assertOffsetsStoredForEverythingWritten();
    }

    @Test
    @Order(3)
    void shouldCountALeakedDuplicateAndBookItOnce() throws Exception {
        producer.sendCommitted(PaymentProducer.payments(topic, "pay", 10));
        // The same payment again under another key, so it lands on another partition or offset.
        producer.sendCommitted(List.of(PaymentProducer.record(topic, "pay-3-again",
                PaymentProducer.payment("pay-3", 4, "EUR"))));
        var consumer = startConsumer();

        Await.until(CATCH_UP, () -> {
            consumer.requireAlive();
            return ledger.paymentsOrMinusOne() == 10 && countOrZero("SELECT count(*) FROM leaked_duplicates") == 1;
        }, "10 payments and 1 leaked duplicate");
        awaitReady(consumer);

        assertThat(ledger.strings("SELECT payment_id || ' ' || source_partition || '@' || source_offset || ' after '"
                + " || booked_partition || '@' || booked_offset FROM leaked_duplicates"))
                .singleElement().asString().startsWith("pay-3 ");
        assertThat(ledger.count("SELECT count(*) FROM payments WHERE payment_id = 'pay-3'")).isEqualTo(1);
        assertThat(Ledger.get(httpPort, "/payments/summary").body())
                .contains("\"payments\":10,").contains("\"leakedDuplicates\":1,");
        assertThat(Ledger.get(httpPort, "/metrics").body()).contains("quondam_ledger_leaked_duplicates_total 1.0");
    }

    @Test
    @Order(4)
    void shouldQuarantineAMalformedRecordWithItsReasonAndKeepGoing() throws Exception {
        var records = new ArrayList<ProducerRecord<byte[], byte[]>>(PaymentProducer.payments(topic, "before", 5));
        records.add(PaymentProducer.record(topic, "bad-json", "{\"paymentId\": \"x\""));
        records.add(PaymentProducer.record(topic, "no-amount", "{\"paymentId\":\"y\",\"account\":\"a\","
                + "\"currency\":\"EUR\",\"createdAt\":\"2026-11-26T10:00:00Z\"}"));
        records.add(PaymentProducer.record(topic, "tombstone", null));
        producer.sendCommitted(records);
        var consumer = startConsumer();
        awaitPayments(consumer, 5);

        producer.sendCommitted(PaymentProducer.payments(topic, "after", 5));
        awaitPayments(consumer, 10);

        assertThat(ledger.strings("SELECT reason || ': ' || detail FROM quarantine ORDER BY reason"))
                .hasSize(3)
                .anySatisfy(row -> assertThat(row).startsWith("malformed-json: "))
                .contains("missing-field: amountMinor is missing", "tombstone: the record has no value");
        assertThat(ledger.count("SELECT count(*) FROM quarantine WHERE record_value IS NOT NULL")).isEqualTo(2);
        assertThat(Ledger.get(httpPort, "/payments/summary").body()).contains("\"quarantined\":3,");
        assertThat(consumer.isAlive()).isTrue();
        assertOffsetsStoredForEverythingWritten();
    }

    @Test
    @Order(5)
    void shouldKeepTheEmbeddedDatabaseAcrossAKilledRunWhenNoUrlIsGiven() throws Exception {
        Path dataDir = stack.dir().resolve("embedded-ledger-db").toAbsolutePath();
        deleteTree(dataDir); // a ledger of an earlier run would hold offsets of a topic that no longer exists
        embeddedDataDir = dataDir.resolve("data");
        var env = consumerEnvironment();
        env.put("QUONDAM_DB_EMBEDDED_DIR", dataDir.toString());
        env.put("QUONDAM_DB_EMBEDDED_PORT", "0");
        producer.sendCommitted(PaymentProducer.payments(topic, "first", 100));
        var first = startConsumer(env);
        Await.until(START, () -> {
            first.requireAlive();
            return summaryContains("\"payments\":100,");
        }, "100 payments in the embedded ledger");

        first.kill9(); // leaves its PostgreSQL running, which the next start must stop and replace
        producer.sendCommitted(PaymentProducer.payments(topic, "second", 50));
        var second = startConsumer(env);
        Await.until(START, () -> {
            second.requireAlive();
            return summaryContains("\"payments\":150,");
        }, "150 payments in the embedded ledger after the restart");
        assertThat(Files.readString(second.logFile())).contains("PostgreSQL from an earlier run");

        ProcessHandle.of(second.pid()).ifPresent(ProcessHandle::destroy); // SIGTERM
        assertThat(second.awaitExit(Duration.ofSeconds(30))).as("exited on SIGTERM").isTrue();
        assertThat(dataDir.resolve("data").resolve("postmaster.pid")).as("embedded PostgreSQL stopped").doesNotExist();
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var tree = Files.walk(dir)) {
                for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** A consumer killed with kill -9 leaves its embedded PostgreSQL running: kill it and its backends. */
    private static void killEmbeddedPostgres(Path dataDir) throws java.io.IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid).ifPresent(postmaster -> {
                postmaster.descendants().forEach(ProcessHandle::destroyForcibly);
                postmaster.destroyForcibly();
            });
        }
    }

    private boolean summaryContains(String fragment) {
        try {
            var response = Ledger.get(httpPort, "/payments/summary");
            return response.statusCode() == 200 && response.body().contains(fragment);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    @Order(6)
    void shouldResumeExactlyOnceWhenPostgresIsKilledAndRestarted() throws Exception {
        producer.sendCommitted(PaymentProducer.payments(topic, "early", 3_000));
        var consumer = startConsumer();
        awaitPayments(consumer, 3_000);
        awaitReady(consumer);

        postgres.kill9();
        producer.sendCommitted(PaymentProducer.payments(topic, "during", 3_000));
        Await.until(Duration.ofSeconds(30), () -> Ledger.status(httpPort, "/health/ready") == 503,
                "the consumer to report not ready while PostgreSQL is down");
        assertThat(Ledger.status(httpPort, "/payments/summary")).isEqualTo(503);
        assertThat(Ledger.status(httpPort, "/health/live")).isEqualTo(200);
        postgres.restart();

        awaitPayments(consumer, 6_000);
        awaitReady(consumer);
        assertThat(consumer.isAlive()).as("the consumer rode out the outage in the same process").isTrue();
        assertThat(ledger.count("SELECT count(*) FROM payments")).isEqualTo(6_000);
        assertThat(ledger.count("SELECT count(*) FROM leaked_duplicates")).isZero();
        assertThat(Ledger.get(httpPort, "/metrics").body()).containsPattern("quondam_ledger_db_failures_total [1-9]");
        assertThat(redeliveredMetric()).isZero();
        assertOffsetsStoredForEverythingWritten();
    }

    private long countOrZero(String query) {
        try {
            return ledger.count(query);
        } catch (java.sql.SQLException e) {
            return 0;
        }
    }
}
