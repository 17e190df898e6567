package io.quondam.dedup;

import io.quondam.store.KeyStore;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor topology, every node named so that {@code describe()} reads like the diagram:
 * <pre>
 * input ─► extract-idempotency-key ─┬─► claim-idempotency-key ─┬─► deduplicated-sink  (payments.dedup)
 *                                   │  (guard, pending claims)  ├─► duplicates-sink    (payments.duplicates, optional)
 *                                   │                           └─► dead-letter-sink (audit copies too large to send)
 *                                   └─► dead-letter-sink  (payments.dlq)
 * </pre>
 */
public final class DedupTopology {
    public static final String SOURCE = "input";
    public static final String EXTRACT_NODE = "extract-idempotency-key";
    public static final String CLAIM_NODE = "claim-idempotency-key";
    public static final String DEDUPLICATED_SINK = "deduplicated-sink";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String DUPLICATES_SINK = "duplicates-sink";
    public static final String GUARD_STORE = "quondam-guard";
    public static final String PENDING_STORE = "quondam-pending-claims";
    static final String COMMIT_DRAIN_STORE = "quondam-commit-drain";

    private DedupTopology() {
    }

    /**
     * Builds the topology; {@code sessions} gives the key store session of the calling stream thread, and
     * {@code stopping} says that the application is shutting down (claims waiting for Redis then give up).
     */
    public static Topology build(ProcessorConfig config, Supplier<KeyStore> sessions, DedupMetrics metrics,
                                 BooleanSupplier stopping) {
        var bytesOut = new ByteArraySerializer();
        var shutdown = new ShutdownSignal(stopping);
        var topology = new Topology()
                .addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.inputTopic())
                .addProcessor(EXTRACT_NODE, () -> new ExtractKeyProcessor(config, metrics), SOURCE)
                .addProcessor(CLAIM_NODE, () -> new ClaimProcessor(config, sessions, metrics, shutdown), EXTRACT_NODE)
                .addSink(DEDUPLICATED_SINK, config.outputTopic(), bytesOut, bytesOut, EXTRACT_NODE, CLAIM_NODE)
                .addSink(DEAD_LETTER_SINK, config.deadLetterTopic(), bytesOut, bytesOut, EXTRACT_NODE, CLAIM_NODE);
        if (config.auditDuplicates()) {
            topology.addSink(DUPLICATES_SINK, config.duplicatesTopic(), bytesOut, bytesOut, CLAIM_NODE);
        }
        var pendingStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE), Serdes.Long(),
                Serdes.ByteArray());
        if (config.pendingClaims() == PendingClaimsMode.DRAIN) {
            // Nothing waits across a commit, so nothing needs a changelog. The drain's store comes first: Kafka Streams
            // flushes a task's stores in the order they were added.
            topology.addStateStore(CommitDrain.builder(COMMIT_DRAIN_STORE), CLAIM_NODE);
            topology.addStateStore(pendingStore.withLoggingDisabled(), CLAIM_NODE);
        } else {
            // Cached, so that slots overwritten within a commit interval reach the changelog once per commit.
            topology.addStateStore(pendingStore.withCachingEnabled(), CLAIM_NODE);
        }
        if (config.guardEnabled()) {
            Duration retention = config.guardRetention();
            topology.addStateStore(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(GUARD_STORE, retention, retention, false),
                    Serdes.String(), Serdes.Long()), CLAIM_NODE);
        }
        return topology;
    }
}
