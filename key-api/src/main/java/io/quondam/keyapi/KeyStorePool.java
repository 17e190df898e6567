package io.quondam.keyapi;

import io.quondam.store.ClaimRequest;
import io.quondam.store.ClaimResult;
import io.quondam.store.CompleteResult;
import io.quondam.store.KeyClaim;
import io.quondam.store.KeyStatus;
import io.quondam.store.KeyStore;
import io.quondam.store.KeyStoreUnavailableException;
import io.quondam.store.ReplicationException;
import io.quondam.store.ReplicationLagException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A fixed set of key-store sessions shared by the HTTP threads. A {@link io.quondam.store.RedisKeyStore} is one
 * connection whose calls are serialised, so one session would queue every request behind the slowest; each call
 * here borrows a free session for one round trip instead. A request that finds no free session within
 * {@code borrowTimeout} is answered as "unavailable" (503) rather than queuing without bound.
 */
public final class KeyStorePool implements KeyStore {
    /** WAITs for one write while replicas lag, each up to the WAIT timeout, before the request is answered 503. */
    static final int WAIT_ATTEMPTS = 3;
    private final BlockingQueue<KeyStore> idle;
    private final List<KeyStore> all;
    private final Duration borrowTimeout;
    private final int minReplicas;
    private final Duration waitTimeout;

    /** A pool that answers writes without waiting for replicas (tests, or a Redis without replicas). */
    public KeyStorePool(int size, Supplier<KeyStore> newSession, Duration borrowTimeout) {
        this(size, newSession, borrowTimeout, 0, Duration.ZERO);
    }

    /**
     * A pool whose claims, completions and releases return only once {@code minReplicas} replicas hold them (WAIT on
     * the same session that wrote them), so that a Sentinel failover cannot undo a write the API has acknowledged.
     */
    public KeyStorePool(int size, Supplier<KeyStore> newSession, Duration borrowTimeout, int minReplicas,
                        Duration waitTimeout) {
        this.idle = new ArrayBlockingQueue<>(size);
        this.all = Stream.generate(newSession).limit(size).toList();
        this.idle.addAll(all);
        this.borrowTimeout = borrowTimeout;
        this.minReplicas = minReplicas;
        this.waitTimeout = waitTimeout;
    }

    /** The write, then WAIT in the same session; a write that replicas did not confirm is reported unavailable. */
    private <T> T durably(Function<KeyStore, T> write) {
        return withSession(session -> {
            T result = write.apply(session);
            for (int attempt = 1; ; attempt++) {
                try {
                    session.awaitReplication(minReplicas, waitTimeout);
                    return result;
                } catch (ReplicationLagException e) {
                    // A replica that is resynchronising (just after a failover) usually catches up within a few
                    // seconds: wait for it here rather than answer 503 at once.
                    if (attempt >= WAIT_ATTEMPTS) {
                        throw notConfirmed(e);
                    }
                } catch (ReplicationException e) {
                    throw notConfirmed(e);
                }
            }
        });
    }

    private KeyStoreUnavailableException notConfirmed(ReplicationException e) {
        return new KeyStoreUnavailableException("the write is not confirmed by " + minReplicas
                + " replica(s) yet; retry with the same owner: " + e.getMessage(), e);
    }

    private <T> T withSession(Function<KeyStore, T> call) {
        KeyStore session;
        try {
            session = idle.poll(borrowTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KeyStoreUnavailableException("interrupted while waiting for a key-store session", e);
        }
        if (session == null) {
            throw new KeyStoreUnavailableException("no key-store session free within " + borrowTimeout, null);
        }
        try {
            return call.apply(session);
        } finally {
            idle.add(session);
        }
    }

    /** The legacy register: like every write the API acknowledges, answered only once the replicas hold it. */
    @Override
    public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
        return durably(s -> s.claimAll(requests));
    }

    @Override
    public KeyClaim claimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint) {
        return durably(s -> s.claimKey(namespace, key, owner, ttl, fingerprint));
    }

    @Override
    public CompleteResult complete(String namespace, String key, String owner, String response,
                                   Optional<String> fingerprint) {
        return durably(s -> s.complete(namespace, key, owner, response, fingerprint));
    }

    @Override
    public Optional<KeyStatus> status(String namespace, String key) {
        return withSession(s -> s.status(namespace, key));
    }

    /**
     * A release (DELETE /v1, the legacy consume) answered before the replicas hold it could be undone by a failover,
     * and the key claimed or consumed a second time.
     */
    @Override
    public boolean release(String namespace, String key) {
        return durably(s -> s.release(namespace, key));
    }

    /** Not offered: WAIT covers one connection's writes, and a pooled call does not know which session it used. */
    @Override
    public void awaitReplication(int minReplicas, Duration timeout) {
        throw new UnsupportedOperationException("awaitReplication is per session; the pool does not offer it");
    }

    @Override
    public void close() {
        all.forEach(KeyStore::close);
    }
}
