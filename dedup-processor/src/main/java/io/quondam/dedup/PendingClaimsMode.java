package io.quondam.dedup;

/** How records that wait for their batch's claims survive a commit. */
public enum PendingClaimsMode {
    /** They wait in a changelogged store, which the transaction commits with the input offsets. */
    CHANGELOG,
    /**
     * None waits across a commit: the partial batch is claimed and forwarded while the task prepares its commit, so
     * the store needs no changelog. Uses an internal hook of Kafka Streams (pinned to its version).
     */
    DRAIN
}
