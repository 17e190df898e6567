package io.quondam.payments;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import io.quondam.ops.OpsServer;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the payments-consumer: reads the configuration, wires the parts, stops cleanly on SIGTERM. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        LedgerConfig config;
        try {
            config = LedgerConfig.from(Settings.fromEnvironment(args));
        } catch (ConfigException e) {
            System.err.println("payments-consumer: " + e.getMessage());
            System.exit(2);
            return;
        }
        EmbeddedDatabase embedded = null;
        DatabaseEndpoint database;
        if (config.embeddedDb()) {
            try {
                embedded = EmbeddedDatabase.start(config.embeddedDbDir(), config.embeddedDbPort());
            } catch (IOException | RuntimeException e) {
                log.error("Cannot start the embedded PostgreSQL in {}: {}", config.embeddedDbDir(), e.toString());
                System.exit(1);
                return;
            }
            database = embedded.endpoint();
        } else {
            database = new DatabaseEndpoint(config.dbUrl(), config.dbUser(), config.dbPassword());
        }
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var app = new LedgerApp(config, database, registry);
        var ops = new OpsServer(config.httpPort(), registry::scrape, app::isLive, app::isReady,
                Map.of("/payments/summary", app::summary));
        var embeddedDatabase = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down: finishing the current transaction, closing the consumer and the database");
            app.close();
            ops.close();
            if (embeddedDatabase != null) {
                embeddedDatabase.close();
            }
            log.info("payments-consumer stopped");
        }, "quondam-shutdown"));
        app.start();
        log.info("payments-consumer started: {} -> {} (group {}, HTTP port {})", config.topic(), database,
                config.groupId(), ops.port());
        if (!app.awaitTermination()) {
            log.error("The ledger consumer stopped unexpectedly; exiting");
            System.exit(1);
        }
    }
}
