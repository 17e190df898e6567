package io.quondam.dedup;

/** What happens to a record with a null value. */
public enum TombstonePolicy {
    /** Dead-letter it: a payment without a body is an error. */
    DEAD_LETTER,
    /** Pass it to the output topic unclaimed, for compacted inputs where tombstones mean deletion. */
    FORWARD
}
