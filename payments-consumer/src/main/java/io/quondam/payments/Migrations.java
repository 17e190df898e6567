package io.quondam.payments;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the ledger schema up to date at start: applies the numbered SQL scripts under {@code db/migration} that
 * {@code schema_version} does not list yet, each in the same transaction as its version row. Plain scripts instead
 * of Flyway: one script today, and a 60-line class beats a dependency that needs a database plugin per vendor.
 */
public final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** In order. A directory on the classpath cannot be listed reliably inside a jar, so the scripts are named here. */
    static final List<String> SCRIPTS = List.of("V1__ledger.sql");

    /** Any constant shared by all ledger instances; it serialises instances that start together. */
    private static final long LOCK_KEY = 0x51_4c_45_44_47_45_52L;

    private Migrations() {
    }

    /** Applies the missing scripts and returns the schema version now in place. */
    public static int apply(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (var statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT PRIMARY KEY,"
                        + " script TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
                int current;
                try (var rows = statement.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
                    rows.next();
                    current = rows.getInt(1);
                }
                for (String script : SCRIPTS) {
                    int version = version(script);
                    if (version > current) {
                        statement.execute(read(script));
                        try (var insert = connection.prepareStatement(
                                "INSERT INTO schema_version (version, script) VALUES (?, ?)")) {
                            insert.setInt(1, version);
                            insert.setString(2, script);
                            insert.executeUpdate();
                        }
                        log.info("Applied ledger migration {}", script);
                        current = version;
                    }
                }
                connection.commit();
                return current;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    static int version(String script) {
        return Integer.parseInt(script.substring(1, script.indexOf("__")));
    }

    private static String read(String script) {
        String resource = "/db/migration/" + script;
        try (InputStream in = Migrations.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration " + resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + resource, e);
        }
    }
}
