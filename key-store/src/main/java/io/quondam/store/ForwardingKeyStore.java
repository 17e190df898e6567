package io.quondam.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A key store that forwards every call to another: override single methods to decorate it, or in tests to inject
 * failures.
 */
public class ForwardingKeyStore implements KeyStore {
    private final KeyStore delegate;

    public ForwardingKeyStore(KeyStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
        return delegate.claimAll(requests);
    }

    @Override
    public KeyClaim claimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint) {
        return delegate.claimKey(namespace, key, owner, ttl, fingerprint);
    }

    @Override
    public CompleteResult complete(String namespace, String key, String owner, String response,
                                   Optional<String> fingerprint) {
        return delegate.complete(namespace, key, owner, response, fingerprint);
    }

    @Override
    public Optional<KeyStatus> status(String namespace, String key) {
        return delegate.status(namespace, key);
    }

    @Override
    public boolean release(String namespace, String key) {
        return delegate.release(namespace, key);
    }

    @Override
    public void awaitReplication(int minReplicas, Duration timeout) {
        delegate.awaitReplication(minReplicas, timeout);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
