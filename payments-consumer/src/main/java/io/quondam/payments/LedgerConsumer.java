package io.quondam.payments;

import io.quondam.retry.Backoff;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop: books each poll batch through {@link LedgerWriter} and positions the consumer from the offsets
 * stored in the database, never from the consumer group. A partition is only read once the consumer has sought to
 * its stored offset: on assignment, and again after any failed or fenced batch, because the consumer's position then
 * runs ahead of what the database holds. Until then the partition stays paused, and polling goes on so that the
 * consumer keeps its group membership while the database is away.
 */
public final class LedgerConsumer implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LedgerConsumer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** Where the loop is; readable from other threads for health checks. */
    public enum State { STARTING, CONSUMING, STOPPED, FAILED }

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final DataSource dataSource;
    private final LedgerWriter writer;
    private final OffsetStore offsetStore;
    private final PaymentParser parser = new PaymentParser();
    private final LedgerMetrics metrics;
    private final Backoff backoff;
    private final Duration pollTimeout;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    // Touched by the consumer thread only.
    private final Set<TopicPartition> unsynced = new HashSet<>();
    private final Map<TopicPartition, Long> stored = new HashMap<>();
    private int failedAttempts;

    private volatile State state = State.STARTING;
    private volatile boolean stopping;
    private volatile boolean assigned;
    private volatile boolean databaseDown;
    private volatile long lastPollNanos = System.nanoTime();

    public LedgerConsumer(Consumer<byte[], byte[]> consumer, String topic, DataSource dataSource,
                          LedgerMetrics metrics, Duration retryBackoff, Duration retryMaxBackoff,
                          Duration pollTimeout) {
        this.consumer = consumer;
        this.topic = topic;
        this.dataSource = dataSource;
        this.writer = new LedgerWriter(dataSource);
        this.offsetStore = new OffsetStore(dataSource);
        this.metrics = metrics;
        this.backoff = new Backoff(retryBackoff, retryMaxBackoff, System::nanoTime);
        this.pollTimeout = pollTimeout;
    }

    @Override
    public void run() {
        try {
            if (prepareSchema()) {
                consumer.subscribe(List.of(topic), new StoredOffsetsRebalanceListener());
                state = State.CONSUMING;
                while (!stopping) {
                    pollAndBook();
                }
            }
        } catch (WakeupException e) {
            if (!stopping) {
                log.error("Ledger consumer woken up without a stop request; stopping", e);
            }
            // else stop() woke the consumer; the last batch, if any, has committed or rolled back
        } catch (RuntimeException e) {
            log.error("Ledger consumer failed; stopping (the database holds every committed batch)", e);
        } finally {
            closeConsumer();
            state = stopping ? State.STOPPED : State.FAILED;
            stopped.countDown();
        }
    }

    private void pollAndBook() {
        if (!unsynced.isEmpty() && backoff.due()) {
            seekToStoredOffsets();
        }
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
        lastPollNanos = System.nanoTime();
        if (!records.isEmpty()) {
            book(LedgerBatch.of(records, parser, consumer::position));
        }
    }

    /** Applies the migrations, retrying while the database is away; false if stopped first. */
    private boolean prepareSchema() {
        while (!stopping) {
            try {
                int version = Migrations.apply(dataSource);
                databaseRecovered();
                log.info("Ledger schema at version {}", version);
                return true;
            } catch (SQLException e) {
                databaseFailed("preparing the schema", e);
                awaitStopOrBackoff();
            }
        }
        return false;
    }

    private void book(LedgerBatch batch) {
        try {
            commit(batch);
        } catch (SQLException e) {
            if (DatabaseErrors.isCausedByData(e)) {
                log.warn("PostgreSQL refused a batch of {} records (SQLSTATE {}); booking them one by one",
                        batch.entries().size(), e.getSQLState());
                bookOneByOne(batch);
            } else {
                databaseFailed("booking a batch", e);
            }
        } catch (StaleOffsetsException e) {
            staleOffsets(e);
        }
    }

    /** Finds the record the database refuses, quarantines it, and books the others. */
    private void bookOneByOne(LedgerBatch batch) {
        for (LedgerBatch single : batch.perRecord()) {
            var entry = single.entries().get(0);
            try {
                try {
                    commit(single);
                } catch (SQLException e) {
                    if (!DatabaseErrors.isCausedByData(e)) {
                        throw e;
                    }
                    log.warn("PostgreSQL refused record {} (SQLSTATE {}); quarantining it", entry.source(),
                            e.getSQLState());
                    commit(LedgerBatch.single(entry.rejected("SQLSTATE " + e.getSQLState() + ": " + e.getMessage())));
                }
            } catch (SQLException e) {
                databaseFailed("booking record " + entry.source(), e);
                return;
            } catch (StaleOffsetsException e) {
                staleOffsets(e);
                return;
            }
        }
    }

    private void commit(LedgerBatch batch) throws SQLException, StaleOffsetsException {
        long started = System.nanoTime();
        var result = writer.write(batch, stored);
        stored.putAll(batch.nextOffsets());
        metrics.committed(result, System.nanoTime() - started);
        databaseRecovered();
        if (result.quarantined() > 0) {
            log.warn("Quarantined {} record(s) that cannot be booked (see table quarantine); first at {}",
                    result.quarantined(), firstMalformed(batch));
        }
        if (result.leakedDuplicates() > 0) {
            log.warn("{} leaked duplicate(s) reached the ledger and were not booked (see table leaked_duplicates)",
                    result.leakedDuplicates());
        }
        if (result.redelivered() > 0) {
            log.warn("{} record(s) were delivered again from coordinates already booked; ignored",
                    result.redelivered());
        }
        // For lag monitoring only: the database decides where the consumer resumes.
        consumer.commitAsync(kafkaOffsets(batch.nextOffsets()), (offsets, error) -> {
            if (error != null) {
                log.debug("Could not commit group offsets for lag monitoring: {}", error.toString());
            }
        });
    }

    private static SourceCoordinates firstMalformed(LedgerBatch batch) {
        return batch.entries().stream()
                .filter(entry -> entry.parsed() instanceof ParsedRecord.Malformed)
                .map(LedgerBatch.Entry::source)
                .findFirst()
                .orElse(null);
    }

    private static Map<TopicPartition, OffsetAndMetadata> kafkaOffsets(Map<TopicPartition, Long> nextOffsets) {
        return nextOffsets.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, next -> new OffsetAndMetadata(next.getValue())));
    }

    private void staleOffsets(StaleOffsetsException e) {
        log.warn("Another consumer booked {} meanwhile: {}; batch rolled back, re-reading the stored offsets",
                e.partition(), e.getMessage());
        pauseUntilSynced(consumer.assignment());
    }

    /**
     * Seeks every unsynced partition to its stored offset (the beginning when it has none) and resumes it. A
     * partition without a stored offset starts at the beginning whatever the group committed: the group's offsets
     * are only for monitoring.
     */
    private void seekToStoredOffsets() {
        try {
            Map<TopicPartition, Long> offsets = offsetStore.load(unsynced);
            for (TopicPartition partition : unsynced) {
                Long next = offsets.get(partition);
                if (next == null) {
                    consumer.seekToBeginning(List.of(partition));
                    stored.remove(partition);
                } else {
                    consumer.seek(partition, next);
                    stored.put(partition, next);
                }
            }
            consumer.resume(unsynced);
            log.info("Resuming {} partition(s) from the offsets stored in the ledger: {}", unsynced.size(),
                    describe(unsynced, offsets));
            unsynced.clear();
            databaseRecovered();
        } catch (SQLException e) {
            databaseFailed("reading the stored offsets", e);
        }
    }

    private static String describe(Set<TopicPartition> partitions, Map<TopicPartition, Long> offsets) {
        return partitions.stream()
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .map(p -> p + "@" + (offsets.containsKey(p) ? offsets.get(p) : "beginning"))
                .collect(Collectors.joining(", "));
    }

    /** The consumer's position may now run ahead of the database: read nothing until it has sought again. */
    private void pauseUntilSynced(Collection<TopicPartition> partitions) {
        unsynced.addAll(partitions);
        consumer.pause(partitions);
    }

    private void databaseFailed(String during, SQLException e) {
        metrics.dbFailure();
        backoff.failed();
        failedAttempts++;
        if (!databaseDown) {
            databaseDown = true;
            log.warn("Database unavailable while {} (SQLSTATE {}: {}); consumption paused, retrying with backoff",
                    during, e.getSQLState(), e.getMessage());
        } else {
            log.debug("Database still unavailable while {}: {}", during, e.getMessage());
        }
        if (state == State.CONSUMING) {
            pauseUntilSynced(consumer.assignment());
        }
    }

    private void databaseRecovered() {
        backoff.succeeded();
        if (databaseDown) {
            databaseDown = false;
            log.info("Database available again after {} failed attempt(s)", failedAttempts);
        }
        failedAttempts = 0;
    }

    private void awaitStopOrBackoff() {
        try {
            stopSignal.await(backoff.remaining().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private void closeConsumer() {
        try {
            consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            log.warn("Closing the Kafka consumer failed: {}", e.toString());
        }
    }

    /** Asks the loop to stop after the batch in progress, if any, has committed or rolled back. */
    public void stop() {
        stopping = true;
        stopSignal.countDown();
        consumer.wakeup();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public State state() {
        return state;
    }

    /** Consuming, assigned by the group, the database answering the last attempt, and polled recently. */
    public boolean isReady() {
        long sincePoll = System.nanoTime() - lastPollNanos;
        long allowed = Math.max(Duration.ofSeconds(10).toNanos(), pollTimeout.multipliedBy(3).toNanos());
        return state == State.CONSUMING && assigned && !databaseDown && sincePoll < allowed;
    }

    public boolean isLive() {
        return state != State.FAILED;
    }

    /** Runs inside {@code poll()} on the consumer thread. */
    private final class StoredOffsetsRebalanceListener implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned = true;
            if (partitions.isEmpty()) {
                return;
            }
            pauseUntilSynced(partitions);
            if (backoff.due()) {
                seekToStoredOffsets();
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            forget(partitions); // every batch has committed before the next poll: nothing is in flight
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            unsynced.removeAll(partitions);
            stored.keySet().removeAll(partitions);
        }
    }
}
