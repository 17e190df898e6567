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

    private record Entry(String owner, long expiresAtMillis, KeyState state, Optional<String> response,
                         Optional<String> fingerprint) {
        Entry(String owner, long expiresAtMillis, Optional<String> fingerprint) {
            this(owner, expiresAtMillis, KeyState.IN_PROGRESS, Optional.empty(), fingerprint);
        }

        boolean expired(long nowMillis) {
            return expiresAtMillis <= nowMillis;
        }
    }

    private final Map<List<String>, Entry> entries = new ConcurrentHashMap<>();
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
        entries.compute(name(request.namespace(), request.key()), (k, current) -> {
            if (current == null || current.expiresAtMillis() <= now) {
                result[0] = new ClaimResult.Claimed(request.owner());
                return new Entry(request.owner(), now + request.ttl().toMillis(), Optional.empty());
            }
            result[0] = current.owner().equals(request.owner())
                    ? new ClaimResult.Replayed(current.owner())
                    : new ClaimResult.Duplicate(current.owner());
            return current;
        });
        return result[0];
    }

    @Override
    public KeyClaim claimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint) {
        fingerprint.ifPresent(f -> WellFormedText.require("the fingerprint", f));
        var request = new ClaimRequest(namespace, key, owner, ttl);
        long now = clock.millis();
        var result = new KeyClaim[1];
        entries.compute(name(request.namespace(), request.key()), (k, current) -> {
            if (current == null || current.expired(now)) {
                result[0] = new KeyClaim.Claimed(owner, ttl);
                return new Entry(owner, now + ttl.toMillis(), fingerprint);
            }
            var expiresIn = Duration.ofMillis(current.expiresAtMillis() - now);
            if (current.state() == KeyState.COMPLETED) {
                result[0] = new KeyClaim.Completed(current.owner(), expiresIn, current.response().orElse(""),
                        current.fingerprint());
            } else if (current.owner().equals(owner)) {
                result[0] = new KeyClaim.AlreadyOwned(owner, expiresIn);
            } else {
                result[0] = new KeyClaim.InProgress(current.owner(), expiresIn);
            }
            return current;
        });
        return result[0];
    }

    @Override
    public CompleteResult complete(String namespace, String key, String owner, String response,
                                   Optional<String> fingerprint) {
        requireWellFormed(owner, response, fingerprint);
        long now = clock.millis();
        var result = new CompleteResult[1];
        entries.compute(name(namespace, key), (k, current) -> {
            if (current == null || current.expired(now)) {
                result[0] = new CompleteResult.NotFound();
                return null;
            }
            if (!current.owner().equals(owner)) {
                result[0] = new CompleteResult.NotOwner(current.owner());
                return current;
            }
            if (current.state() == KeyState.COMPLETED) {
                boolean same = current.response().orElse("").equals(response)
                        && (fingerprint.isEmpty() || fingerprint.equals(current.fingerprint()));
                result[0] = same ? new CompleteResult.Completed() : new CompleteResult.CompletedDifferently();
                return current;
            }
            result[0] = new CompleteResult.Completed();
            return new Entry(current.owner(), current.expiresAtMillis(), KeyState.COMPLETED, Optional.of(response),
                    fingerprint.isPresent() ? fingerprint : current.fingerprint());
        });
        return result[0];
    }

    @Override
    public Optional<KeyStatus> status(String namespace, String key) {
        long now = clock.millis();
        var entry = entries.get(name(namespace, key));
        if (entry == null || entry.expired(now)) {
            return Optional.empty();
        }
        return Optional.of(new KeyStatus(entry.owner(), Duration.ofMillis(entry.expiresAtMillis() - now),
                entry.state(), entry.response(), entry.fingerprint()));
    }

    @Override
    public boolean release(String namespace, String key) {
        long now = clock.millis();
        var removed = entries.remove(name(namespace, key));
        return removed != null && removed.expiresAtMillis() > now;
    }

    /** A key's name here: its namespace and itself, checked as {@link RedisKeys} checks them. */
    private static List<String> name(String namespace, String key) {
        WellFormedText.require("the namespace", namespace);
        WellFormedText.require("the key", key);
        return List.of(namespace, key);
    }

    /** The text arguments of a completion, as {@link RedisKeyStore} checks them. */
    static void requireWellFormed(String owner, String response, Optional<String> fingerprint) {
        WellFormedText.require("the owner", owner);
        WellFormedText.require("the response", response);
        fingerprint.ifPresent(f -> WellFormedText.require("the fingerprint", f));
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
