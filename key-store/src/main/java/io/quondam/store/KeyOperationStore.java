package io.quondam.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A key store whose calls are {@link KeyOperation}s: each single call is one operation run by {@link #run}. What the
 * Redis stores (one master, a cluster) and the key-api's pool share.
 */
public abstract class KeyOperationStore implements KeyStore {

    /** Runs one operation and returns its result, or throws its failure. */
    protected abstract <T> T run(KeyOperation<T> operation);

    @Override
    public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
        return requests.isEmpty() ? List.of() : run(new KeyOperation.Claim(requests));
    }

    @Override
    public KeyClaim claimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint) {
        return run(new KeyOperation.ClaimKey(namespace, key, owner, ttl, fingerprint));
    }

    @Override
    public CompleteResult complete(String namespace, String key, String owner, String response,
                                   Optional<String> fingerprint) {
        return run(new KeyOperation.Complete(namespace, key, owner, response, fingerprint));
    }

    @Override
    public Optional<KeyStatus> status(String namespace, String key) {
        return run(new KeyOperation.Status(namespace, key));
    }

    @Override
    public boolean release(String namespace, String key) {
        return run(new KeyOperation.Release(namespace, key));
    }
}
