package io.quondam.dedup;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import io.quondam.ops.OpsServer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the dedup-processor: reads the configuration, wires the parts, stops cleanly on SIGTERM. */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        ProcessorConfig config;
        try {
            config = ProcessorConfig.from(Settings.fromEnvironment(args));
        } catch (ConfigException e) {
            System.err.println("dedup-processor: " + e.getMessage());
            System.exit(2);
            return;
        }
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var app = new DedupApp(config, registry);
        var ops = new OpsServer(config.httpPort(), registry::scrape, app::isLive, app::isReady, Map.of());
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Shutting down: closing Kafka Streams (commits in-flight work), Redis sessions, HTTP");
            app.close();
            ops.close();
            stopped.countDown();
        }, "quondam-shutdown"));
        try {
            app.start();
        } catch (RuntimeException e) {
            // For example unreadable local state after a kill -9: exit, so that a supervisor restarts the process
            // rather than keeping a JVM alive that processes nothing (the shutdown hook closes what was opened).
            log.error("Kafka Streams failed to start; exiting", e);
            System.exit(1);
        }
        log.info("dedup-processor started: {} -> {} (durability {}, ops port {})", config.inputTopic(),
                config.outputTopic(), Settings.word(config.durability()), ops.port());
        stopped.await();
    }
}
