package io.quondam.dedup;

import io.quondam.store.KeyStoreException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the calling stream thread's claims durable before its Kafka transaction commits: WAIT for
 * {@code minReplicas} on the thread's own Redis session. A Kafka Streams state store's flush or commit runs after the
 * transaction in 4.x and cannot be this barrier (see the design notes); the producer's commit can.
 */
public final class CommitBarrier {
    private static final Logger log = LoggerFactory.getLogger(CommitBarrier.class);

    private final ClaimSessions sessions;
    private final int minReplicas;
    private final Duration timeout;
    private final DedupMetrics metrics;

    public CommitBarrier(ClaimSessions sessions, int minReplicas, Duration timeout, DedupMetrics metrics) {
        this.sessions = sessions;
        this.minReplicas = minReplicas;
        this.timeout = timeout;
        this.metrics = metrics;
    }

    /** Returns when the thread's claims are replicated; throws {@link KeyStoreException} when they are not. */
    public void awaitClaimsReplicated() {
        var session = sessions.ofCurrentThread();
        if (session.isEmpty()) {
            return; // this thread has claimed nothing yet
        }
        try {
            session.get().awaitReplication(minReplicas, timeout);
        } catch (KeyStoreException e) {
            metrics.barrierFailure();
            log.warn("Refusing to commit the transaction of {}: {}", Thread.currentThread().getName(), e.getMessage());
            throw e;
        }
    }
}
