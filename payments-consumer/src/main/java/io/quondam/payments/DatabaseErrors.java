package io.quondam.payments;

import java.sql.SQLException;

/** Tells a database error caused by the data being written from one caused by the database being unavailable. */
final class DatabaseErrors {

    private DatabaseErrors() {
    }

    /**
     * SQLSTATE classes 22 (data exception), 23 (integrity constraint violation) and 54 (program limit exceeded,
     * such as an index row too large): retrying the same rows fails the same way, so the rows must be set apart.
     * Everything else (connection lost, shutdown, timeouts) is worth retrying unchanged.
     */
    static boolean isCausedByData(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }
}
