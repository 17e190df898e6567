package io.quondam.dedup;

import io.quondam.store.KeyStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One key store session (one Redis connection) per stream thread. Processors take the session of the thread that
 * runs them, and the commit barrier runs WAIT on the same session, because WAIT only covers the writes of its own
 * connection and Kafka Streams commits one transaction per thread.
 */
public final class ClaimSessions implements AutoCloseable {
    private final Map<Thread, KeyStore> sessions = new ConcurrentHashMap<>();
    private final Supplier<KeyStore> opener;

    public ClaimSessions(Supplier<KeyStore> opener) {
        this.opener = opener;
    }

    /** The calling thread's session, opened on first use. */
    public KeyStore forCurrentThread() {
        closeSessionsOfDeadThreads();
        return sessions.computeIfAbsent(Thread.currentThread(), thread -> opener.get());
    }

    /** A replaced stream thread never comes back; without this its Redis connection would stay open. */
    private void closeSessionsOfDeadThreads() {
        for (var entry : sessions.entrySet()) {
            if (!entry.getKey().isAlive() && sessions.remove(entry.getKey(), entry.getValue())) {
                entry.getValue().close();
            }
        }
    }

    /** The calling thread's session if it made any claim. */
    public Optional<KeyStore> ofCurrentThread() {
        return Optional.ofNullable(sessions.get(Thread.currentThread()));
    }

    @Override
    public void close() {
        sessions.values().forEach(KeyStore::close);
        sessions.clear();
    }
}
