package io.quondam.store;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One key-store call as a value, so that calls of many clients can travel to Redis together: {@link KeyStore#runAll}
 * sends a group of them in one pipelined round trip, and one WAIT then confirms every write of the group.
 *
 * @param <T> what the call answers
 */
public sealed interface KeyOperation<T> {

    /** Runs this call alone on {@code store}. */
    T runOn(KeyStore store);

    /** Whether {@code result} says the call changed a key, so that the durability rule must confirm it. */
    boolean wrote(T result);

    /** Whether the call can change a key at all: until its reply is read, a store must assume that it did. */
    default boolean mayWrite() {
        return true;
    }

    /** Whether the outcome of this call is a result that changed a key. */
    @SuppressWarnings("unchecked")
    default boolean wrote(Outcome outcome) {
        return outcome.failure() == null && wrote((T) outcome.result());
    }

    /**
     * What to answer for this call when it was sent again because its first attempt could not be confirmed (its
     * connection was replaced in a failover, or its WAIT failed) and the caller has not been answered yet:
     * {@code again}, except where the second attempt only sees the first one's own write ("already yours"), which
     * is then answered as the first attempt was.
     */
    default Outcome resent(Outcome first, Outcome again) {
        return again;
    }

    /** Runs this call alone and keeps its failure, if any, as its outcome. */
    default Outcome outcomeOn(KeyStore store) {
        try {
            return Outcome.of(runOn(store));
        } catch (RuntimeException e) {
            return Outcome.failed(e);
        }
    }

    /** What one call of a group came to: its result, or the failure of that call alone. */
    record Outcome(Object result, RuntimeException failure) {
        public static Outcome of(Object result) {
            return new Outcome(result, null);
        }

        public static Outcome failed(RuntimeException failure) {
            return new Outcome(null, Objects.requireNonNull(failure, "failure"));
        }

        /** The result as the call's type; throws the failure. */
        @SuppressWarnings("unchecked")
        public <T> T get() {
            if (failure != null) {
                throw failure;
            }
            return (T) result;
        }
    }

    /** An operation on one key: every kind but {@link Claim}, which may hold many. */
    interface OnOneKey {
        String namespace();

        String key();
    }

    /** {@link KeyStore#claimKey}. */
    record ClaimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint)
            implements KeyOperation<KeyClaim>, OnOneKey {
        @Override
        public KeyClaim runOn(KeyStore store) {
            return store.claimKey(namespace, key, owner, ttl, fingerprint);
        }

        @Override
        public boolean wrote(KeyClaim result) {
            return result instanceof KeyClaim.Claimed || result instanceof KeyClaim.AlreadyOwned;
        }

        @Override
        public Outcome resent(Outcome first, Outcome again) {
            if (first.result() instanceof KeyClaim.Claimed && again.result() instanceof KeyClaim.AlreadyOwned owned) {
                return Outcome.of(new KeyClaim.Claimed(owned.owner(), owned.expiresIn()));
            }
            return again;
        }
    }

    /** {@link KeyStore#complete}. */
    record Complete(String namespace, String key, String owner, String response, Optional<String> fingerprint)
            implements KeyOperation<CompleteResult>, OnOneKey {
        @Override
        public CompleteResult runOn(KeyStore store) {
            return store.complete(namespace, key, owner, response, fingerprint);
        }

        @Override
        public boolean wrote(CompleteResult result) {
            return result instanceof CompleteResult.Completed;
        }
    }

    /** {@link KeyStore#status}: reads only. */
    record Status(String namespace, String key) implements KeyOperation<Optional<KeyStatus>>, OnOneKey {
        @Override
        public Optional<KeyStatus> runOn(KeyStore store) {
            return store.status(namespace, key);
        }

        @Override
        public boolean wrote(Optional<KeyStatus> result) {
            return false;
        }

        @Override
        public boolean mayWrite() {
            return false;
        }
    }

    /** {@link KeyStore#release}. */
    record Release(String namespace, String key) implements KeyOperation<Boolean>, OnOneKey {
        @Override
        public Boolean runOn(KeyStore store) {
            return store.release(namespace, key);
        }

        @Override
        public boolean wrote(Boolean result) {
            return result;
        }

        @Override
        public Outcome resent(Outcome first, Outcome again) {
            // The first attempt deleted the key; the second finds it gone, possibly by that very delete.
            return Boolean.TRUE.equals(first.result()) && again.failure() == null ? first : again;
        }
    }

    /** {@link KeyStore#claimAll}. */
    record Claim(List<ClaimRequest> requests) implements KeyOperation<List<ClaimResult>> {
        public Claim {
            requests = List.copyOf(requests);
        }

        @Override
        public List<ClaimResult> runOn(KeyStore store) {
            return store.claimAll(requests);
        }

        @Override
        public boolean wrote(List<ClaimResult> result) {
            return result.stream().anyMatch(ClaimResult::ownedByCaller);
        }

        @Override
        @SuppressWarnings("unchecked")
        public Outcome resent(Outcome first, Outcome again) {
            if (!(first.result() instanceof List<?>) || !(again.result() instanceof List<?>)) {
                return again;
            }
            var before = (List<ClaimResult>) first.result();
            var after = (List<ClaimResult>) again.result();
            var merged = new java.util.ArrayList<ClaimResult>(after.size());
            for (int i = 0; i < after.size(); i++) {
                merged.add(before.get(i) instanceof ClaimResult.Claimed && after.get(i) instanceof ClaimResult.Replayed
                        ? before.get(i) : after.get(i));
            }
            return Outcome.of(List.copyOf(merged));
        }
    }
}
