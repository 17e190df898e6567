package io.quondam.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Claims idempotency keys so that each effect happens once.
 *
 * <p>A key store instance is a session: {@link #awaitReplication} covers the claims made through this instance
 * only. Give each thread that must confirm its own claims (a Kafka Streams thread) its own instance.
 */
public interface KeyStore extends AutoCloseable {

    /** Claims {@code key} in {@code namespace} for {@code owner}, keeping it for {@code ttl}. One round trip. */
    default ClaimResult claim(String namespace, String key, String owner, Duration ttl) {
        return claimAll(List.of(new ClaimRequest(namespace, key, owner, ttl))).get(0);
    }

    /** Claims every request in one round trip; results are in the order of the requests. */
    List<ClaimResult> claimAll(List<ClaimRequest> requests);

    /**
     * Claims {@code key} for an HTTP client: like {@link #claim}, but a completed key answers with its stored response,
     * and {@code fingerprint} (the client's hash of its request, empty for none) is stored with a new claim.
     * One round trip.
     */
    KeyClaim claimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint);

    /**
     * Marks a key held by {@code owner} COMPLETED with {@code response} (and {@code fingerprint}, when present,
     * replacing the one given at claim time), keeping its expiry. One round trip.
     */
    CompleteResult complete(String namespace, String key, String owner, String response, Optional<String> fingerprint);

    /** The current holder and state of a key, if it is claimed and not expired. */
    Optional<KeyStatus> status(String namespace, String key);

    /** Forgets a key so that the operation may be performed again; false if the key was not claimed. */
    boolean release(String namespace, String key);

    /**
     * Runs every operation, in order, in as few round trips as this store can (one, for Redis: the calls are
     * pipelined); each outcome is the operation's result or its own failure. Writes count for
     * {@link #awaitReplication} as if each call had been made alone.
     */
    default List<KeyOperation.Outcome> runAll(List<? extends KeyOperation<?>> operations) {
        var outcomes = new java.util.ArrayList<KeyOperation.Outcome>(operations.size());
        for (var operation : operations) {
            outcomes.add(operation.outcomeOn(this));
        }
        return outcomes;
    }

    /** What {@link #runAllAwaiting} did: each operation's outcome, and whether its writes are confirmed already. */
    record Ran(List<KeyOperation.Outcome> outcomes, boolean confirmed) {
    }

    /**
     * {@link #runAll}, confirming its writes in the same round trip where the store can: {@code confirmed} is true
     * when {@link #awaitReplication}{@code (minReplicas, timeout)} would now return at once; when false, call it as
     * usual. This default never confirms.
     */
    default Ran runAllAwaiting(List<? extends KeyOperation<?>> operations, int minReplicas, Duration timeout) {
        return new Ran(runAll(operations), false);
    }

    /**
     * The services' default for {@link #awaitReplication}: at least one replica, and every replica the master counts as
     * online. With the redis-guard beside each node, only such replicas are promotable, so a claim they all hold
     * survives any single fault, and a replica that is down or resyncing is neither waited for nor promotable.
     */
    int DEFAULT_MIN_REPLICAS = 1;

    /**
     * Returns once every write made through this instance (claims, completions and releases that changed a key) is held
     * by at least {@code minReplicas} replicas and, on Redis, by every replica the master counts as online; or throws
     * {@link ReplicationException}. Never waits when nothing was written since the last successful call, nor when
     * {@code minReplicas} is 0.
     */
    void awaitReplication(int minReplicas, Duration timeout);

    @Override
    void close();
}
