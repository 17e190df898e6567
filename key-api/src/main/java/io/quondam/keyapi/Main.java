package io.quondam.keyapi;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import io.quondam.store.RedisKeyStores;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the key-api: reads the configuration, wires a pool of Redis sessions into the app, stops on SIGTERM. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        KeyApiConfig config;
        try {
            config = KeyApiConfig.read(Settings.fromEnvironment(args));
        } catch (ConfigException e) {
            System.err.println("key-api: " + e.getMessage());
            System.exit(2);
            return;
        }
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var sessionNumber = new AtomicInteger();
        // A request waits at most a socket timeout for a free session before it is answered 503.
        var store = new KeyStorePool(config.storeSessions(), () -> RedisKeyStores.open(config.redis(), registry,
                "quondam-key-api-" + sessionNumber.incrementAndGet()), config.redis().socketTimeout(),
                config.minReplicas(), config.waitTimeout(), config.failoverHold(), registry);
        var app = KeyApi.create(config, store, registry);
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down: HTTP, then the Redis sessions");
            app.stop();
            store.close();
            stopped.countDown();
        }, "quondam-shutdown"));
        app.start(config.host(), config.port());
        log.info("key-api started on {}:{} ({} Redis sessions, default TTL {})", config.host(), app.port(),
                config.storeSessions(), config.defaultTtl());
        if (config.legacyAuth() == KeyApiConfig.LegacyAuth.NONE) {
            log.warn("QUONDAM_LEGACY_AUTH=none: anyone who can reach this port may register and consume legacy /keys;"
                    + " set it to bearer once the original service's clients send tokens");
        }
        stopped.await();
    }
}
