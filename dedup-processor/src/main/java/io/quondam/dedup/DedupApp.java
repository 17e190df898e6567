package io.quondam.dedup;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.quondam.store.RedisKeyStores;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running processor: Kafka Streams with exactly_once_v2, per-thread Redis sessions and the commit barrier. */
public final class DedupApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DedupApp.class);

    private final KafkaStreams streams;
    private final ClaimSessions sessions;
    private final KafkaStreamsMetrics streamsMetrics;
    private final AtomicBoolean stopping = new AtomicBoolean();

    public DedupApp(ProcessorConfig config, MeterRegistry registry) {
        var metrics = new DedupMetrics(registry);
        var sessionNumber = new AtomicInteger();
        this.sessions = new ClaimSessions(() -> RedisKeyStores.open(config.redis(), registry,
                config.applicationId() + "-" + sessionNumber.incrementAndGet()));
        var topology = DedupTopology.build(config, sessions::forCurrentThread, metrics, stopping::get);
        log.info("Topology:\n{}", topology.describe());
        var props = streamsProperties(config);
        this.streams = config.durability() == DurabilityMode.PER_COMMIT
                ? new KafkaStreams(topology, props, new BarrierClientSupplier(
                        new CommitBarrier(sessions, config.minReplicas(), config.waitTimeout(), metrics)))
                : new KafkaStreams(topology, props);
        this.streams.setUncaughtExceptionHandler(error -> {
            if (stopping.get()) {
                log.info("Stream thread stopped while shutting down: {}", error.getMessage());
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            log.error("Stream thread failed; replacing it (its transaction aborts, its records are reprocessed)",
                    error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
    }

    static Properties streamsProperties(ProcessorConfig config) {
        var props = new Properties();
        // One input topic, so a task has one input partition and nothing to wait for: with idling on (the default 0)
        // Streams formats a log text for every empty task on every loop.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        props.putAll(config.streamsOverrides());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.replicationFactor());
        return props;
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public boolean isLive() {
        var state = streams.state();
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR;
    }

    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    @Override
    public void close() {
        stopping.set(true); // a stream thread waiting for Redis gives up instead of holding the shutdown
        streams.close(Duration.ofSeconds(30));
        streamsMetrics.close();
        sessions.close();
    }
}
