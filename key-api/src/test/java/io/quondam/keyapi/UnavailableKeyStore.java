package io.quondam.keyapi;

import io.quondam.store.ClaimRequest;
import io.quondam.store.ClaimResult;
import io.quondam.store.CompleteResult;
import io.quondam.store.KeyClaim;
import io.quondam.store.KeyStatus;
import io.quondam.store.KeyStore;
import io.quondam.store.KeyStoreUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A key store whose Redis is gone: every call fails as the Redis store does after its retries. */
final class UnavailableKeyStore implements KeyStore {
    private static KeyStoreUnavailableException down() {
        return new KeyStoreUnavailableException("claim failed after 6 attempts: Connection refused", null);
    }

    @Override
    public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
        throw down();
    }

    @Override
    public KeyClaim claimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint) {
        throw down();
    }

    @Override
    public CompleteResult complete(String namespace, String key, String owner, String response,
                                   Optional<String> fingerprint) {
        throw down();
    }

    @Override
    public Optional<KeyStatus> status(String namespace, String key) {
        throw down();
    }

    @Override
    public boolean release(String namespace, String key) {
        throw down();
    }

    @Override
    public void awaitReplication(int minReplicas, Duration timeout) {
        throw down();
    }

    @Override
    public void close() {
    }
}
