package io.quondam.payments;

import io.quondam.stack.FreePorts;
import io.quondam.stack.PostgresNode;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;
import org.junit.jupiter.api.TestInfo;
import org.postgresql.ds.PGSimpleDataSource;

/** One real PostgreSQL server for a test class, and a fresh, migrated ledger database for each of its tests. */
final class LedgerDatabases implements AutoCloseable {
    /** PostgreSQL cuts identifiers at 63 bytes; test names are ASCII. */
    private static final int MAX_NAME = 60;

    private final PostgresNode postgres;

    private LedgerDatabases(PostgresNode postgres) {
        this.postgres = postgres;
    }

    /** Starts a server with its data under {@code target/<directory>}. */
    static LedgerDatabases start(String directory) {
        return new LedgerDatabases(PostgresNode.start(Path.of("target", directory), FreePorts.allocate(1).get(0)));
    }

    /** A new database named after the running test, with the ledger's migrations applied. */
    PGSimpleDataSource freshLedger(TestInfo test) throws SQLException {
        String name = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
        var dataSource = new PGSimpleDataSource();
        dataSource.setUrl(postgres.createDatabase(name.substring(0, Math.min(name.length(), MAX_NAME))));
        dataSource.setUser(postgres.user());
        Migrations.apply(dataSource);
        return dataSource;
    }

    @Override
    public void close() {
        postgres.kill9();
    }
}
