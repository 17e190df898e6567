package io.quondam.dedup;

import io.quondam.store.KeyStoreException;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A stream thread's transactional producer that runs the {@link CommitBarrier} right before each commit.
 *
 * <p>A failed barrier is reported as {@link ProducerFencedException}: Kafka Streams (pinned to 4.4) treats it as task
 * migration, closes the thread's tasks dirty, drops this producer (its open transaction is aborted when the next one
 * initialises) and reprocesses from the last committed offsets. Other signals lose records: a TimeoutException or a
 * TaskCorruptedException let Streams commit the other tasks' offsets in the same transaction.
 */
final class BarrierProducer extends KafkaProducer<byte[], byte[]> {
    private final CommitBarrier barrier;
    private KeyStoreException failure;

    BarrierProducer(Map<String, Object> config, CommitBarrier barrier) {
        super(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.barrier = barrier;
    }

    @Override
    public void commitTransaction() {
        if (failure == null) {
            try {
                barrier.awaitClaimsReplicated();
            } catch (KeyStoreException e) {
                failure = e; // Streams may try to commit again while closing dirty: fail fast, don't WAIT again
            }
        }
        if (failure != null) {
            var fenced = new ProducerFencedException("durability barrier: " + failure.getMessage());
            fenced.initCause(failure);
            throw fenced;
        }
        super.commitTransaction();
    }
}
