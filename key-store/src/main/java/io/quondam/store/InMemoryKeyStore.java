package io.quondam.store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claim protocol in one JVM's memory, with the same answers as {@link RedisKeyStore}: for topology tests and
 * single-node development. Thread-safe; replication is trivially complete.
 */
public final class InMemoryKeyStore implements KeyStore {

    private record Entry(String owner, long claimedAtMillis, long expiresAtMillis) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryKeyStore() {
        this(Clock.systemUTC());
    }

    public InMemoryKeyStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
        var results = new ArrayList<ClaimResult>(requests.size());
        for (var request : requests) {
            results.add(claimOne(request));
        }
        return results;
    }

    private ClaimResult claimOne(ClaimRequest request) {
        long now = clock.millis();
        var result = new ClaimResult[1];
        entries.compute(RedisKeys.of(request.namespace(), request.key()), (k, current) -> {
            if (current == null || current.expiresAtMillis() <= now) {
                result[0] = new ClaimResult.Claimed(request.owner());
                return new Entry(request.owner(), now, now + request.ttl().toMillis());
            }
            var age = Duration.ofMillis(now - current.claimedAtMillis());
            result[0] = current.owner().equals(request.owner())
                    ? new ClaimResult.Replayed(current.owner(), age)
                    : new ClaimResult.Duplicate(current.owner(), age);
            return current;
        });
        return result[0];
    }

    @Override
    public Optional<KeyStatus> status(String namespace, String key) {
        long now = clock.millis();
        var entry = entries.get(RedisKeys.of(namespace, key));
        if (entry == null || entry.expiresAtMillis() <= now) {
            return Optional.empty();
        }
        return Optional.of(new KeyStatus(entry.owner(), Duration.ofMillis(now - entry.claimedAtMillis()),
                Duration.ofMillis(entry.expiresAtMillis() - now)));
    }

    @Override
    public boolean release(String namespace, String key) {
        long now = clock.millis();
        var removed = entries.remove(RedisKeys.of(namespace, key));
        return removed != null && removed.expiresAtMillis() > now;
    }

    @Override
    public void awaitReplication(int minReplicas, Duration timeout) {
        // One copy in memory is all there is: nothing to wait for.
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
