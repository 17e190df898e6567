package io.quondam.payments;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;

/** The HikariCP pool for the ledger, tuned to fail fast while the database is away rather than hang the consumer. */
public final class LedgerDataSource {

    private LedgerDataSource() {
    }

    public static HikariDataSource create(DatabaseEndpoint endpoint, LedgerConfig config) {
        var hikari = new HikariConfig();
        hikari.setPoolName("quondam-ledger");
        hikari.setJdbcUrl(endpoint.jdbcUrl());
        hikari.setUsername(endpoint.user());
        hikari.setPassword(endpoint.password());
        // The consumer thread holds one connection per batch; the others serve /payments/summary and health checks.
        hikari.setMaximumPoolSize(config.dbPoolSize());
        hikari.setMinimumIdle(1);
        hikari.setConnectionTimeout(config.dbConnectTimeout().toMillis());
        hikari.setValidationTimeout(Math.min(1000, config.dbConnectTimeout().toMillis()));
        // Start without the database: the consumer waits for it instead of the process crash-looping.
        hikari.setInitializationFailTimeout(-1);
        hikari.addDataSourceProperty("connectTimeout", seconds(config.dbConnectTimeout()));
        hikari.addDataSourceProperty("socketTimeout", seconds(config.dbSocketTimeout()));
        hikari.addDataSourceProperty("tcpKeepAlive", true);
        hikari.addDataSourceProperty("ApplicationName", "quondam-ledger");
        return new HikariDataSource(hikari);
    }

    /** The driver takes whole seconds; round up so that 500ms does not become "no timeout". */
    private static int seconds(Duration duration) {
        return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
