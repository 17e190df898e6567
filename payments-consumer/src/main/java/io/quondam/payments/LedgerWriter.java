package io.quondam.payments;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;

/**
 * Books one {@link LedgerBatch} in one database transaction: the payments, the leaked duplicates, the quarantined
 * records, and the next offset of every partition in the batch. Either all of it commits or none of it does, so a
 * consumer killed at any moment resumes exactly where the ledger ends.
 */
public final class LedgerWriter {

    // One statement for the whole batch; RETURNING names exactly the rows inserted, whatever the driver's batch
    // settings, and ON CONFLICT leaves the first booking of a payment untouched.
    private static final String INSERT_PAYMENTS = """
            INSERT INTO payments (payment_id, account, amount_minor, currency, created_at,
                                  source_topic, source_partition, source_offset)
            SELECT * FROM unnest(?::text[], ?::text[], ?::bigint[], ?::text[], ?::timestamptz[],
                                 ?::text[], ?::int[], ?::bigint[])
            ON CONFLICT (payment_id) DO NOTHING
            RETURNING source_topic, source_partition, source_offset""";
    private static final String SELECT_BOOKED = """
            SELECT payment_id, source_topic, source_partition, source_offset
            FROM payments WHERE payment_id = ANY(?)""";
    private static final String INSERT_LEAK = """
            INSERT INTO leaked_duplicates (source_topic, source_partition, source_offset, payment_id,
                                           booked_topic, booked_partition, booked_offset, amount_minor, currency)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";
    private static final String INSERT_QUARANTINE = """
            INSERT INTO quarantine (source_topic, source_partition, source_offset, reason, detail,
                                    record_key, record_value)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";
    private static final String ADVANCE_OFFSET = """
            UPDATE consumer_offsets SET next_offset = ?, updated_at = now()
            WHERE topic = ? AND partition = ? AND next_offset = ?""";
    private static final String FIRST_OFFSET = """
            INSERT INTO consumer_offsets (topic, partition, next_offset) VALUES (?, ?, ?)
            ON CONFLICT DO NOTHING""";

    private final DataSource dataSource;

    public LedgerWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What one committed batch did. {@code redelivered} counts records already booked from the same coordinates. */
    public record BatchResult(int booked, int leakedDuplicates, int quarantined, int redelivered) {
    }

    /**
     * Books {@code batch}, provided the stored offsets are still those this consumer read ({@code stored}; a
     * partition absent from it has no stored offset yet). If another consumer advanced one meanwhile (a zombie
     * after a rebalance, or a second instance on the same database), nothing is written.
     *
     * @throws StaleOffsetsException when a stored offset moved; the caller must re-read them and seek
     * @throws SQLException when the database fails; nothing was committed, or the commit's outcome is unknown
     */
    public BatchResult write(LedgerBatch batch, Map<TopicPartition, Long> stored)
            throws SQLException, StaleOffsetsException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // Offsets first: their row locks make a second writer of the same partition wait, then fail.
                advanceOffsets(connection, batch.nextOffsets(), stored);
                var payments = new ArrayList<LedgerBatch.Entry>();
                var malformed = new ArrayList<LedgerBatch.Entry>();
                for (var entry : batch.entries()) {
                    (entry.parsed() instanceof ParsedRecord.Valid ? payments : malformed).add(entry);
                }
                var booking = book(connection, payments);
                int quarantined = quarantine(connection, malformed);
                connection.commit();
                return new BatchResult(booking.booked, booking.leaked, quarantined, booking.redelivered);
            } catch (SQLException | StaleOffsetsException | RuntimeException e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    private static void advanceOffsets(Connection connection, Map<TopicPartition, Long> nextOffsets,
                                       Map<TopicPartition, Long> stored) throws SQLException, StaleOffsetsException {
        try (var advance = connection.prepareStatement(ADVANCE_OFFSET);
             var first = connection.prepareStatement(FIRST_OFFSET)) {
            for (var next : nextOffsets.entrySet()) {
                TopicPartition partition = next.getKey();
                Long expected = stored.get(partition);
                int updated;
                if (expected == null) {
                    first.setString(1, partition.topic());
                    first.setInt(2, partition.partition());
                    first.setLong(3, next.getValue());
                    updated = first.executeUpdate();
                } else {
                    advance.setLong(1, next.getValue());
                    advance.setString(2, partition.topic());
                    advance.setInt(3, partition.partition());
                    advance.setLong(4, expected);
                    updated = advance.executeUpdate();
                }
                if (updated != 1) {
                    throw new StaleOffsetsException(partition, expected);
                }
            }
        }
    }

    private record Booking(int booked, int leaked, int redelivered) {
    }

    private static Booking book(Connection connection, List<LedgerBatch.Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return new Booking(0, 0, 0);
        }
        Set<SourceCoordinates> inserted = insertPayments(connection, entries);
        var conflicting = entries.stream().filter(entry -> !inserted.contains(entry.source())).toList();
        if (conflicting.isEmpty()) {
            return new Booking(inserted.size(), 0, 0);
        }
        Map<String, SourceCoordinates> booked = bookedCoordinates(connection, conflicting);
        var leaks = new ArrayList<LedgerBatch.Entry>();
        int redelivered = 0;
        for (var entry : conflicting) {
            // The same coordinates again is a re-delivery of what is booked: idempotent, not a leak.
            if (entry.source().equals(booked.get(payment(entry).paymentId()))) {
                redelivered++;
            } else {
                leaks.add(entry);
            }
        }
        int leaked = recordLeaks(connection, leaks, booked);
        return new Booking(inserted.size(), leaked, redelivered + leaks.size() - leaked);
    }

    private static Set<SourceCoordinates> insertPayments(Connection connection, List<LedgerBatch.Entry> entries)
            throws SQLException {
        int size = entries.size();
        var ids = new String[size];
        var accounts = new String[size];
        var amounts = new Long[size];
        var currencies = new String[size];
        var createdAt = new String[size];
        var topics = new String[size];
        var partitions = new Integer[size];
        var offsets = new Long[size];
        for (int i = 0; i < size; i++) {
            var entry = entries.get(i);
            var payment = payment(entry);
            ids[i] = payment.paymentId();
            accounts[i] = payment.account();
            amounts[i] = payment.amountMinor();
            currencies[i] = payment.currency();
            createdAt[i] = payment.createdAt().toString();
            topics[i] = entry.source().topic();
            partitions[i] = entry.source().partition();
            offsets[i] = entry.source().offset();
        }
        var inserted = new HashSet<SourceCoordinates>();
        try (PreparedStatement insert = connection.prepareStatement(INSERT_PAYMENTS)) {
            insert.setArray(1, connection.createArrayOf("text", ids));
            insert.setArray(2, connection.createArrayOf("text", accounts));
            insert.setArray(3, connection.createArrayOf("bigint", amounts));
            insert.setArray(4, connection.createArrayOf("text", currencies));
            insert.setArray(5, connection.createArrayOf("text", createdAt));
            insert.setArray(6, connection.createArrayOf("text", topics));
            insert.setArray(7, connection.createArrayOf("integer", partitions));
            insert.setArray(8, connection.createArrayOf("bigint", offsets));
            try (var rows = insert.executeQuery()) {
                while (rows.next()) {
                    inserted.add(new SourceCoordinates(rows.getString(1), rows.getInt(2), rows.getLong(3)));
                }
            }
        }
        return inserted;
    }

    private static Map<String, SourceCoordinates> bookedCoordinates(Connection connection,
                                                                    List<LedgerBatch.Entry> entries)
            throws SQLException {
        var ids = entries.stream().map(entry -> payment(entry).paymentId()).distinct().toArray(String[]::new);
        var booked = new HashMap<String, SourceCoordinates>();
        try (var select = connection.prepareStatement(SELECT_BOOKED)) {
            select.setArray(1, connection.createArrayOf("text", ids));
            try (var rows = select.executeQuery()) {
                while (rows.next()) {
                    booked.put(rows.getString(1),
                            new SourceCoordinates(rows.getString(2), rows.getInt(3), rows.getLong(4)));
                }
            }
        }
        return booked;
    }

    /** Returns how many leaks are new; a leak already recorded from the same coordinates is not counted twice. */
    private static int recordLeaks(Connection connection, List<LedgerBatch.Entry> leaks,
                                   Map<String, SourceCoordinates> booked) throws SQLException {
        if (leaks.isEmpty()) {
            return 0;
        }
        try (var insert = connection.prepareStatement(INSERT_LEAK)) {
            for (var entry : leaks) {
                var payment = payment(entry);
                var first = booked.get(payment.paymentId());
                insert.setString(1, entry.source().topic());
                insert.setInt(2, entry.source().partition());
                insert.setLong(3, entry.source().offset());
                insert.setString(4, payment.paymentId());
                insert.setString(5, first.topic());
                insert.setInt(6, first.partition());
                insert.setLong(7, first.offset());
                insert.setLong(8, payment.amountMinor());
                insert.setString(9, payment.currency());
                insert.addBatch();
            }
            return rowsWritten(insert.executeBatch());
        }
    }

    private static int quarantine(Connection connection, List<LedgerBatch.Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return 0;
        }
        try (var insert = connection.prepareStatement(INSERT_QUARANTINE)) {
            for (var entry : entries) {
                var malformed = (ParsedRecord.Malformed) entry.parsed();
                insert.setString(1, entry.source().topic());
                insert.setInt(2, entry.source().partition());
                insert.setLong(3, entry.source().offset());
                insert.setString(4, malformed.reason().code());
                insert.setString(5, malformed.detail());
                insert.setBytes(6, entry.key());
                insert.setBytes(7, entry.value());
                insert.addBatch();
            }
            return rowsWritten(insert.executeBatch());
        }
    }

    /** A driver that rewrites batches reports "some rows" ({@code SUCCESS_NO_INFO}); count those as written. */
    private static int rowsWritten(int[] counts) {
        int rows = 0;
        for (int count : counts) {
            rows += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(count, 0);
        }
        return rows;
    }

    private static Payment payment(LedgerBatch.Entry entry) {
        return ((ParsedRecord.Valid) entry.parsed()).payment();
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e); // the connection is likely gone; the pool discards it
        }
    }
}
