package io.quondam.load;

import io.quondam.stack.PostgresNode;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Reads how far the payments-consumer has got, for runs that wait for the pipeline to drain. */
final class Ledger {
    private Ledger() {
    }

    /**
     * Rows booked, leaks recorded and records quarantined: every forwarded record ends in exactly one of them; -1 while
     * the consumer has not created its schema.
     */
    static long accountedFor(PostgresNode ledger) {
        try (var db = DriverManager.getConnection(ledger.jdbcUrl(), ledger.user(), ledger.password());
             var rows = db.createStatement().executeQuery("SELECT (SELECT count(*) FROM payments)"
                     + " + (SELECT count(*) FROM leaked_duplicates) + (SELECT count(*) FROM quarantine)")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return -1; // undefined table: the consumer has not created its schema yet
            }
            throw new IllegalStateException("cannot read the ledger at " + ledger.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }
}
