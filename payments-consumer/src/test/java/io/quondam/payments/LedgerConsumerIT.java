package io.quondam.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.stack.Await;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.postgresql.ds.PGSimpleDataSource;

/** The poll loop on a {@link MockConsumer} and a real PostgreSQL: seeking to stored offsets, refused rows. */
class LedgerConsumerIT {
    private static final String TOPIC = "payments.dedup";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static LedgerDatabases databases;

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private PGSimpleDataSource dataSource;
    private LedgerConsumer ledger;
    private Thread thread;

    @BeforeAll
    static void startPostgres() {
        databases = LedgerDatabases.start("it-consumer");
    }

    @AfterAll
    static void stopPostgres() {
        if (databases != null) {
            databases.close();
        }
    }

    @BeforeEach
    void createLedger(TestInfo test) throws SQLException {
        dataSource = databases.freshLedger(test);
        ledger = new LedgerConsumer(consumer, TOPIC, dataSource, new LedgerMetrics(new SimpleMeterRegistry()),
                Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(10));
    }

    @AfterEach
    void stopLedger() throws InterruptedException {
        ledger.stop();
        assertThat(ledger.awaitStopped(Duration.ofSeconds(10))).isTrue();
        assertThat(ledger.state()).isEqualTo(LedgerConsumer.State.STOPPED);
    }

    /** Assigns partition 0, whose log starts at offset 0, and delivers {@code values} at offsets 0, 1, 2, ... */
    private void startWithRecords(String... values) {
        consumer.schedulePollTask(() -> {
            consumer.updateBeginningOffsets(Map.of(P0, 0L));
            consumer.rebalance(List.of(P0));
            for (int offset = 0; offset < values.length; offset++) {
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, null,
                        values[offset].getBytes(StandardCharsets.UTF_8)));
            }
        });
        thread = new Thread(ledger, "ledger-under-test");
        thread.start();
    }

    private static String payment(String id, long amount) {
        return "{\"paymentId\":\"" + id + "\",\"account\":\"acc\",\"amountMinor\":" + amount
                + ",\"currency\":\"EUR\",\"createdAt\":\"2026-11-26T10:00:00Z\"}";
    }

    private long storedOffset() {
        try {
            return new OffsetStore(dataSource).load(List.of(P0)).getOrDefault(P0, -1L);
        } catch (SQLException e) {
            return -1;
        }
    }

    private List<String> rows(String query) throws SQLException {
        var rows = new ArrayList<String>();
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
             var result = statement.executeQuery(query)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    @Test
    void shouldResumeFromTheStoredOffsetNotTheBeginning() throws Exception {
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("INSERT INTO consumer_offsets (topic, partition, next_offset)"
                    + " VALUES ('payments.dedup', 0, 3)");
        }

        startWithRecords(payment("a", 1), payment("b", 2), payment("c", 3), payment("d", 4), payment("e", 5));
        Await.until(Duration.ofSeconds(20), () -> storedOffset() == 5, "the ledger to book up to offset 5");

        assertThat(rows("SELECT payment_id FROM payments ORDER BY payment_id")).containsExactly("d", "e");
    }

    @Test
    void shouldQuarantineARowThatPostgresRefusesAndBookTheRestOfItsBatch() throws Exception {
        // A rule the parser does not know, so that the database alone refuses the row.
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("ALTER TABLE payments ADD CONSTRAINT no_666 CHECK (amount_minor <> 666)");
        }

        startWithRecords(payment("a", 1), payment("b", 666), payment("c", 3));
        Await.until(Duration.ofSeconds(20), () -> storedOffset() == 3, "the ledger to book up to offset 3");

        assertThat(rows("SELECT payment_id FROM payments ORDER BY payment_id")).containsExactly("a", "c");
        assertThat(rows("SELECT source_offset || ' ' || reason || ' ' || detail FROM quarantine"))
                .singleElement().asString().startsWith("1 rejected-by-database SQLSTATE 23514: ");
        assertThat(ledger.isLive()).isTrue();
    }
}
