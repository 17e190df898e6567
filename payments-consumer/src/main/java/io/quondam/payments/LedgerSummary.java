package io.quondam.payments;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * What the ledger holds, as served by {@code GET /payments/summary}: payments booked, their sum per currency, leaked
 * duplicates, quarantined records and the stored next offset per partition ({@code "payments.dedup-0"}).
 */
public record LedgerSummary(
        long payments,
        Map<String, BigInteger> amountMinorByCurrency,
        long leakedDuplicates,
        long quarantined,
        Map<String, Long> offsets) {

    /** Reads all figures from one snapshot of the database, so they agree with each other. */
    public static LedgerSummary read(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try (var statement = connection.createStatement()) {
                var amounts = new TreeMap<String, BigInteger>();
                long payments = 0;
                try (var rows = statement.executeQuery(
                        "SELECT currency, count(*), sum(amount_minor) FROM payments GROUP BY currency")) {
                    while (rows.next()) {
                        payments += rows.getLong(2);
                        amounts.put(rows.getString(1).trim(), rows.getBigDecimal(3).toBigIntegerExact());
                    }
                }
                long leaked = count(statement, "SELECT count(*) FROM leaked_duplicates");
                long quarantined = count(statement, "SELECT count(*) FROM quarantine");
                var offsets = new LinkedHashMap<String, Long>();
                try (var rows = statement.executeQuery(
                        "SELECT topic, partition, next_offset FROM consumer_offsets ORDER BY topic, partition")) {
                    while (rows.next()) {
                        offsets.put(rows.getString(1) + "-" + rows.getInt(2), rows.getLong(3));
                    }
                }
                connection.commit();
                return new LedgerSummary(payments, amounts, leaked, quarantined, offsets);
            }
        }
    }

    private static long count(java.sql.Statement statement, String query) throws SQLException {
        try (var rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
