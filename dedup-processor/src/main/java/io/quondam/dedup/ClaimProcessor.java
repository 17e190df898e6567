package io.quondam.dedup;

import io.quondam.retry.Backoff;
import io.quondam.store.ClaimRequest;
import io.quondam.store.ClaimResult;
import io.quondam.store.KeyStore;
import io.quondam.store.KeyStoreUnavailableException;
import io.quondam.store.ReplicationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims each record's idempotency key and forwards first occurrences (and replays of the same source record) to the
 * deduplicated topic; duplicates are counted and optionally audited. The owner of a claim is the record's source
 * coordinates {@code topic-partition@offset}, so a record whose transaction was aborted is forwarded again when it is
 * reprocessed. Claims travel in pipelined batches of up to {@code QUONDAM_CLAIM_BATCH} records, buffered in a
 * changelogged store ({@link PendingClaims}) and sent when the batch is full or {@code QUONDAM_CLAIM_LINGER} has
 * passed; with {@code QUONDAM_PENDING_CLAIMS=drain}, also just before each commit, and the store has no changelog.
 * When Redis is unavailable it waits and retries: a record is never forwarded unclaimed.
 */
final class ClaimProcessor implements Processor<byte[], ExtractedRecord, byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(ClaimProcessor.class);
    static final String DUPLICATE_OF = "quondam.duplicate.of";

    private final ProcessorConfig config;
    private final Supplier<KeyStore> sessions;
    private final DedupMetrics metrics;
    private final ShutdownSignal shutdown;
    private final OutputLimit limit;
    private ProcessorContext<byte[], byte[]> context;
    private KeyStore keyStore;
    private WindowStore<String, Long> guard;
    private PendingClaims pending;

    ClaimProcessor(ProcessorConfig config, Supplier<KeyStore> sessions, DedupMetrics metrics,
            ShutdownSignal shutdown) {
        this.config = config;
        this.sessions = sessions;
        this.metrics = metrics;
        this.shutdown = shutdown;
        this.limit = config.outputLimit();
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.keyStore = sessions.get(); // init runs on the stream thread that will process and commit this task
        if (config.guardEnabled()) {
            this.guard = context.getStateStore(DedupTopology.GUARD_STORE);
        }
        this.pending = new PendingClaims(context.getStateStore(DedupTopology.PENDING_STORE));
        if (pending.size() > 0) {
            log.info("Task {}: {} buffered record(s) from before the last restart are claimed first", context.taskId(),
                    pending.size());
        }
        context.schedule(config.claimLinger(), PunctuationType.WALL_CLOCK_TIME, now -> claimPending());
        if (config.pendingClaims() == PendingClaimsMode.DRAIN) {
            CommitDrain drain = context.getStateStore(DedupTopology.COMMIT_DRAIN_STORE);
            drain.beforeCommit(drainer((InternalProcessorContext<byte[], byte[]>) context));
        }
    }

    /**
     * Claims the partial batch while the task prepares its commit. Kafka Streams is outside any processing there, so
     * this processor's node and a record context are set for the forwards, as a punctuation has them, and put back.
     */
    private Runnable drainer(InternalProcessorContext<byte[], byte[]> internal) {
        var node = internal.currentNode(); // init runs with this processor's node current
        return () -> {
            if (pending.size() == 0) {
                return;
            }
            var previousNode = internal.currentNode();
            var previousRecord = internal.recordContext();
            internal.setCurrentNode(node);
            internal.setRecordContext(new ProcessorRecordContext(context.currentSystemTimeMs(), -1, -1, null,
                    new RecordHeaders()));
            try {
                claimPending();
            } finally {
                internal.setRecordContext(previousRecord);
                internal.setCurrentNode(previousNode);
            }
        };
    }

    @Override
    public void process(Record<byte[], ExtractedRecord> record) {
        if (pending.holdsRestored()) {
            claimPending();
        }
        RecordMetadata source = context.recordMetadata().orElseThrow();
        String key = record.value().idempotencyKey();
        var output = record.withValue(record.value().value());

        Long firstOffset = guard == null ? null : guardLookup(key, record.timestamp());
        if (firstOffset != null && firstOffset != source.offset()) {
            metrics.guardHit();
            dropDuplicate(output, source.offset(), owner(source, firstOffset));
            return;
        }
        var waiting = new PendingClaims.Pending(source.offset(), owner(source, source.offset()), key, output);
        int largest = Math.max(OutputLimit.sizeOf(output), PendingClaims.changelogSize(waiting));
        if (largest > limit.maxBytes()) {
            // Neither forwarded nor claimed: a claim of a record that cannot be written would drop its retries.
            var error = new BadRecordException(BadRecordReason.RECORD_TOO_LARGE, "the record, or its entry in the"
                    + " pending-claims changelog, has " + largest + " bytes as a producer counts them, more than the "
                    + limit.maxBytes() + " that the processor's producer sends (max.request.size)");
            metrics.record(DedupMetrics.Outcome.DEAD_LETTER);
            context.forward(DeadLetters.of(output, error, DeadLetters.Source.of(source), limit),
                    DedupTopology.DEAD_LETTER_SINK);
            return;
        }
        pending.add(waiting);
        if (pending.size() >= config.claimBatch()) {
            claimPending();
        }
    }

    /** One pipelined round trip for the buffered records, then each forwarded or dropped in offset order. */
    private void claimPending() {
        if (pending.size() == 0) {
            return;
        }
        var batch = pending.batch();
        var requests = batch.stream()
                .map(p -> new ClaimRequest(config.namespace(), p.idempotencyKey(), p.owner(), config.keyTtl()))
                .toList();
        var results = claimUntilAnswered(requests);
        metrics.batch(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            var record = batch.get(i);
            var result = results.get(i);
            if (result instanceof ClaimResult.Duplicate duplicate) {
                dropDuplicate(record.record(), record.offset(), duplicate.existingOwner());
            } else {
                forward(record, result instanceof ClaimResult.Replayed
                        ? DedupMetrics.Outcome.REPLAYED : DedupMetrics.Outcome.FORWARDED);
            }
        }
        pending.markClaimed();
    }

    private static String owner(RecordMetadata source, long offset) {
        return ClaimOwner.of(source.topic(), source.partition(), offset);
    }

    private void forward(PendingClaims.Pending claimed, DedupMetrics.Outcome outcome) {
        if (guard != null) {
            guard.put(claimed.idempotencyKey(), claimed.offset(), claimed.record().timestamp());
        }
        metrics.record(outcome);
        context.forward(claimed.record(), DedupTopology.DEDUPLICATED_SINK);
    }

    /**
     * Counts a duplicate and writes its audit copy, when auditing is on. An audit copy larger than the producer sends
     * goes to the dead-letter topic instead, cut down to fit, with the reason.
     */
    private void dropDuplicate(Record<byte[], byte[]> output, long offset, String existingOwner) {
        metrics.record(DedupMetrics.Outcome.DUPLICATE);
        if (!config.auditDuplicates()) {
            return;
        }
        var headers = new RecordHeaders(output.headers().toArray());
        headers.add(DUPLICATE_OF, existingOwner.getBytes(StandardCharsets.UTF_8));
        var audit = output.withHeaders(headers);
        if (limit.fits(audit)) {
            context.forward(audit, DedupTopology.DUPLICATES_SINK);
            return;
        }
        var error = new BadRecordException(BadRecordReason.RECORD_TOO_LARGE, "duplicate of " + existingOwner
                + "; its audit copy has " + OutputLimit.sizeOf(audit) + " bytes, more than the " + limit.maxBytes()
                + " that the processor's producer sends (max.request.size)");
        log.warn("Task {}: {}: sent to the dead-letter topic instead", context.taskId(), error.getMessage());
        var source = new DeadLetters.Source(config.inputTopic(), context.taskId().partition(), offset);
        context.forward(DeadLetters.of(audit, error, source, limit), DedupTopology.DEAD_LETTER_SINK);
    }

    private Long guardLookup(String key, long timestamp) {
        long retention = config.guardRetention().toMillis();
        try (var hits = guard.fetch(key, Math.max(0, timestamp - retention), timestamp + retention)) {
            return hits.hasNext() ? hits.next().value : null;
        }
    }

    /**
     * Fails closed: while Redis is unavailable (or, per record, replication is short) the record waits here, because
     * forwarding it unclaimed could let a duplicate through. After the configured bound the stream thread fails and is
     * replaced; its transaction aborts and the record is processed again. When the application is shutting down it
     * gives up at once in the same way, so that a SIGTERM during a Redis outage does not wait out the bound; once one
     * claim has given up so, the tasks that still prepare a commit give up without asking Redis.
     */
    private List<ClaimResult> claimUntilAnswered(List<ClaimRequest> requests) {
        if (shutdown.givingUpOnRedis()) {
            throw new StreamsException(givingUp(requests)
                    + " (Redis failed an earlier claim since the shutdown began)");
        }
        long deadline = System.nanoTime() + config.redisOutageMaxBlock().toNanos();
        var backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        for (int attempt = 1; ; attempt++) {
            try {
                var results = keyStore.claimAll(requests);
                // per-record durability: nothing is forwarded before a replica holds its claim (one WAIT per batch).
                if (config.durability() == DurabilityMode.PER_RECORD
                        && results.stream().anyMatch(ClaimResult::ownedByCaller)) {
                    keyStore.awaitReplication(config.minReplicas(), config.waitTimeout());
                }
                if (attempt > 1) {
                    log.info("Redis answered again after {} attempts; processing resumes", attempt);
                }
                return results;
            } catch (KeyStoreUnavailableException | ReplicationException e) {
                metrics.redisWait();
                if (shutdown.redisFailed()) {
                    throw new StreamsException(givingUp(requests), e);
                }
                if (System.nanoTime() > deadline) {
                    throw new StreamsException("Redis unavailable for longer than QUONDAM_REDIS_OUTAGE_MAX_BLOCK="
                            + config.redisOutageMaxBlock() + "; failing the stream thread so that its transaction"
                            + " aborts", e);
                }
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn("Claims of {} record(s) from {} are waiting for Redis (attempt {}): {}",
                            requests.size(), requests.get(0).owner(), attempt, e.getMessage());
                }
                sleep(backoff.failed());
            }
        }
    }

    private static String givingUp(List<ClaimRequest> requests) {
        return "shutting down while the claims of " + requests.size() + " record(s) wait for Redis; the transaction"
                + " aborts and they are processed again after the restart";
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamsException("interrupted while waiting for Redis", e);
        }
    }
}
