package io.quondam.payments;

import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * Brings the ledger schema up to date at start with Flyway: the versioned SQL scripts under {@code db/migration}.
 * Flyway serialises instances that start together with a database lock, and refuses to start on a schema whose
 * applied scripts were changed afterwards.
 */
public final class Migrations {

    private Migrations() {
    }

    /**
     * Applies the missing scripts and returns the schema version now in place.
     *
     * @throws SQLException when the database could not be reached or failed a statement (worth retrying); any other
     *         problem, such as an applied script that was changed, is a {@link FlywayException}
     */
    public static int apply(DataSource dataSource) throws SQLException {
        var flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load();
        try {
            flyway.migrate();
        } catch (FlywayException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof SQLException sql) {
                    throw sql;
                }
            }
            throw e;
        }
        var current = flyway.info().current();
        if (current == null) {
            throw new FlywayException("no ledger migration was applied: db/migration is empty");
        }
        return Integer.parseInt(current.getVersion().getVersion());
    }
}
