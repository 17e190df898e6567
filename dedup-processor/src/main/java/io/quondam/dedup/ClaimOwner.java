package io.quondam.dedup;

/** The owner a processor claims a key for: the input record that carries it. */
public final class ClaimOwner {
    private ClaimOwner() {
    }

    /** The owner of the record at {@code offset} of {@code topic}'s {@code partition}. */
    public static String of(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}
