package io.quondam.payments;

/** Where a record was read: topic, partition and offset, the identity of a delivery. */
public record SourceCoordinates(String topic, int partition, long offset) {

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
