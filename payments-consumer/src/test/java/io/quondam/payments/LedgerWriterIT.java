package io.quondam.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.postgresql.ds.PGSimpleDataSource;

/** The ledger transaction on a real PostgreSQL: bookings, leaks, re-deliveries, quarantine and offset fencing. */
class LedgerWriterIT {
    private static final String TOPIC = "payments.dedup";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    private static LedgerDatabases databases;

    private final PaymentParser parser = new PaymentParser();
    private PGSimpleDataSource dataSource;
    private LedgerWriter writer;

    @BeforeAll
    static void startPostgres() {
        databases = LedgerDatabases.start("it-writer");
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
        writer = new LedgerWriter(dataSource);
    }

    private LedgerSummary summary() throws SQLException {
        return LedgerSummary.read(dataSource);
    }

    private LedgerBatch.Entry entry(TopicPartition partition, long offset, String value) {
        byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        return new LedgerBatch.Entry(new SourceCoordinates(partition.topic(), partition.partition(), offset),
                null, bytes, parser.parse(bytes));
    }

    private static String payment(String id, long amount, String currency) {
        return "{\"paymentId\":\"" + id + "\",\"account\":\"acc\",\"amountMinor\":" + amount + ",\"currency\":\""
                + currency + "\",\"createdAt\":\"2026-11-26T10:00:00Z\"}";
    }

    private static LedgerBatch batch(LedgerBatch.Entry... entries) {
        var next = new HashMap<TopicPartition, Long>();
        for (var entry : entries) {
            next.merge(new TopicPartition(entry.source().topic(), entry.source().partition()),
                    entry.source().offset() + 1, Math::max);
        }
        return new LedgerBatch(List.of(entries), next);
    }

    @Test
    void shouldBookPaymentsAndStoreTheNextOffsetsInOneTransaction() throws Exception {
        var result = writer.write(batch(
                entry(P0, 0, payment("a", 100, "EUR")),
                entry(P0, 1, payment("b", 250, "EUR")),
                entry(P1, 0, payment("c", 99, "USD"))), Map.of());

        assertThat(result).isEqualTo(new LedgerWriter.BatchResult(3, 0, 0, 0));
        var ledger = summary();
        assertThat(ledger.payments()).isEqualTo(3);
        assertThat(ledger.amountMinorByCurrency()).hasToString("{EUR=350, USD=99}");
        assertThat(ledger.offsets()).containsExactly(Map.entry("payments.dedup-0", 2L),
                Map.entry("payments.dedup-1", 1L));
    }

    @Test
    void shouldRecordALeakedDuplicateWithBothCoordinatesAndBookItOnce() throws Exception {
        writer.write(batch(entry(P0, 0, payment("a", 100, "EUR"))), Map.of());

        // A leak in a later batch from another partition, and one within the same batch.
        var result = writer.write(batch(
                entry(P1, 0, payment("a", 100, "EUR")),
                entry(P0, 1, payment("b", 5, "EUR")),
                entry(P0, 2, payment("b", 5, "EUR"))), Map.of(P0, 1L));

        assertThat(result).isEqualTo(new LedgerWriter.BatchResult(1, 2, 0, 0));
        var ledger = summary();
        assertThat(ledger.payments()).isEqualTo(2);
        assertThat(ledger.leakedDuplicates()).isEqualTo(2);
        assertThat(leaks()).containsExactlyInAnyOrder(
                "a: payments.dedup-1@0 after payments.dedup-0@0",
                "b: payments.dedup-0@2 after payments.dedup-0@1");
    }

    @Test
    void shouldTreatARedeliveryOfBookedCoordinatesAsIdempotent() throws Exception {
        var first = batch(entry(P0, 0, payment("a", 100, "EUR")), entry(P0, 1, "garbage"));
        writer.write(first, Map.of());

        var result = writer.write(first, Map.of(P0, 2L));

        assertThat(result).isEqualTo(new LedgerWriter.BatchResult(0, 0, 0, 1));
        var ledger = summary();
        assertThat(ledger.payments()).isEqualTo(1);
        assertThat(ledger.leakedDuplicates()).isZero();
        assertThat(ledger.quarantined()).isEqualTo(1);
    }

    @Test
    void shouldQuarantineMalformedRecordsWithReasonAndRawValueAndStillAdvanceTheOffset() throws Exception {
        var result = writer.write(batch(entry(P0, 0, "{\"paymentId\":"), entry(P0, 1, null),
                entry(P0, 2, payment("a", 1, "EUR"))), Map.of());

        assertThat(result).isEqualTo(new LedgerWriter.BatchResult(1, 0, 2, 0));
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT source_offset, reason, convert_from(record_value, 'UTF8')"
                     + " FROM quarantine ORDER BY source_offset")) {
            var quarantined = new ArrayList<String>();
            while (rows.next()) {
                quarantined.add(rows.getLong(1) + " " + rows.getString(2) + " " + rows.getString(3));
            }
            assertThat(quarantined).containsExactly("0 malformed-json {\"paymentId\":", "1 tombstone null");
        }
        assertThat(summary().offsets()).containsExactly(Map.entry("payments.dedup-0", 3L));
    }

    @Test
    void shouldWriteNothingWhenAnotherConsumerMovedTheStoredOffset() throws Exception {
        writer.write(batch(entry(P0, 0, payment("a", 1, "EUR")), entry(P0, 1, payment("b", 1, "EUR"))), Map.of());

        // A zombie that still believes nothing is stored, and one that read offset 1 before the other booked.
        assertThatThrownBy(() -> writer.write(batch(entry(P0, 0, payment("a", 1, "EUR"))), Map.of()))
                .isInstanceOf(StaleOffsetsException.class);
        assertThatThrownBy(() -> writer.write(batch(entry(P1, 0, payment("z", 1, "EUR")),
                entry(P0, 1, payment("b", 1, "EUR"))), Map.of(P0, 1L)))
                .isInstanceOf(StaleOffsetsException.class)
                .hasMessageContaining("payments.dedup-0");

        var ledger = summary();
        assertThat(ledger.payments()).isEqualTo(2);
        assertThat(ledger.offsets()).containsExactly(Map.entry("payments.dedup-0", 2L));
    }

    @Test
    void shouldApplyMigrationsOnlyOnce() throws Exception {
        assertThat(Migrations.apply(dataSource)).isEqualTo(1);
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
            rows.next();
            assertThat(rows.getInt(1)).isEqualTo(1);
        }
    }

    private List<String> leaks() throws SQLException {
        var leaks = new ArrayList<String>();
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT payment_id, source_topic, source_partition, source_offset,"
                     + " booked_topic, booked_partition, booked_offset FROM leaked_duplicates")) {
            while (rows.next()) {
                leaks.add(rows.getString(1) + ": " + rows.getString(2) + "-" + rows.getInt(3) + "@" + rows.getLong(4)
                        + " after " + rows.getString(5) + "-" + rows.getInt(6) + "@" + rows.getLong(7));
            }
        }
        return leaks;
    }
}
