package io.quondam.payments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quondam.ops.OpsServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running ledger: the Kafka consumer on its own thread, the database pool, and what the HTTP port reports. */
public final class LedgerApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LedgerApp.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final HikariDataSource dataSource;
    private final KafkaConsumer<byte[], byte[]> kafkaConsumer;
    private final KafkaClientMetrics kafkaMetrics;
    private final LedgerConsumer ledger;
    private final Thread thread;
    private final ObjectMapper json = new ObjectMapper();

    public LedgerApp(LedgerConfig config, DatabaseEndpoint database, MeterRegistry registry) {
        this.dataSource = LedgerDataSource.create(database, config);
        this.kafkaConsumer = new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.kafkaMetrics = new KafkaClientMetrics(kafkaConsumer);
        kafkaMetrics.bindTo(registry);
        this.ledger = new LedgerConsumer(kafkaConsumer, config.topic(), dataSource, new LedgerMetrics(registry),
                config.dbRetryBackoff(), config.dbRetryMaxBackoff(), config.pollTimeout());
        this.thread = new Thread(ledger, "quondam-ledger-consumer");
    }

    static Properties consumerProperties(LedgerConfig config) {
        var props = new Properties();
        props.putAll(config.consumerOverrides());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        // Only records of committed transactions: an aborted upstream transaction must never be booked.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // The database owns the offsets; the group's are committed by hand, for lag monitoring only.
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "quondam-ledger");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        return props;
    }

    public void start() {
        thread.start();
    }

    /** Waits until the consumer thread ends; true if it ended because {@link #close()} asked it to. */
    public boolean awaitTermination() throws InterruptedException {
        thread.join();
        return ledger.state() == LedgerConsumer.State.STOPPED;
    }

    public boolean isLive() {
        return ledger.isLive();
    }

    public boolean isReady() {
        return ledger.isReady() && databaseAnswers();
    }

    private boolean databaseAnswers() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The summary as JSON, or 503 while the database does not answer. */
    public OpsServer.JsonResponse summary() {
        try {
            return new OpsServer.JsonResponse(200, json.writeValueAsString(LedgerSummary.read(dataSource)));
        } catch (SQLException e) {
            return new OpsServer.JsonResponse(503, "{\"error\":\"database unavailable\"}");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the ledger summary", e);
        }
    }

    /** Stops the consumer after its current transaction, then closes the pool. */
    @Override
    public void close() {
        ledger.stop();
        try {
            if (thread.isAlive() && !ledger.awaitStopped(STOP_TIMEOUT)) {
                log.warn("The consumer did not stop within {}; closing the database pool anyway", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kafkaMetrics.close();
        dataSource.close();
    }
}
