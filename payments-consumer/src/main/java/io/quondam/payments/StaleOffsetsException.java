package io.quondam.payments;

import org.apache.kafka.common.TopicPartition;

/**
 * A stored offset is no longer the one this consumer read before its batch: another consumer booked the partition
 * meanwhile. The batch was rolled back; the consumer must re-read the stored offsets and seek to them.
 */
public class StaleOffsetsException extends Exception {

    private final transient TopicPartition partition;

    public StaleOffsetsException(TopicPartition partition, Long expected) {
        super("stored offset of " + partition + " is no longer " + (expected == null ? "absent" : expected));
        this.partition = partition;
    }

    public TopicPartition partition() {
        return partition;
    }
}
