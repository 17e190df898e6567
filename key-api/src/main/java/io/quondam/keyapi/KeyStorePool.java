package io.quondam.keyapi;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.store.KeyOperation;
import io.quondam.store.KeyOperationStore;
import io.quondam.store.KeyStore;
import io.quondam.store.KeyStoreUnavailableException;
import io.quondam.store.ReplicationException;
import io.quondam.store.ReplicationLagException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Group commit over a few key-store sessions. Requests from any number of HTTP connections wait in one queue; each
 * session, whenever it is free, takes every request waiting (up to {@value #MAX_GROUP}), sends them to Redis in one
 * pipelined round trip with one WAIT for the whole group at its end ({@link KeyStore#runAllAwaiting}; a WAIT of its
 * own when that one cannot confirm them), and only then answers them.
 * So throughput grows with the number of clients instead of being {@code sessions / (round trip + WAIT)}, while no
 * write is answered before {@code minReplicas} replicas hold it. A request waits for at most one group ahead of it
 * on a session; one that finds no session free within {@code queueTimeout} is answered "unavailable" (503).
 */
public final class KeyStorePool extends KeyOperationStore implements KeyOperations {
    /** How long a group is held through a failover by default: a few seconds more than the local stack's. */
    public static final Duration DEFAULT_FAILOVER_HOLD = Duration.ofSeconds(10);
    /** The most requests in one round trip: beyond it, a group would hold Redis (single-threaded) for too long. */
    static final int MAX_GROUP = 256;

    /** A request waiting for a session: its operation, its answer to come, and when it was queued. */
    private record Queued<T>(KeyOperation<T> operation, CompletableFuture<T> answer, long queuedAtNanos) {
        @SuppressWarnings("unchecked")
        void complete(KeyOperation.Outcome outcome) {
            if (outcome.failure() != null) {
                answer.completeExceptionally(outcome.failure());
            } else {
                answer.complete((T) outcome.result());
            }
        }
    }

    private final BlockingQueue<Queued<?>> queue = new LinkedBlockingQueue<>();
    private final List<KeyStore> sessions;
    private final List<Thread> committers = new ArrayList<>();
    /** Answers are handed to these threads, so that a committer goes back to Redis while responses are written. */
    private final ExecutorService responders;
    private final Duration queueTimeout;
    private final int minReplicas;
    private final Duration waitTimeout;
    private final Duration failoverHold;
    private final Counter failoverRetries;
    private final DistributionSummary groupSize;
    private final LongSupplier nanoClock;
    private volatile boolean closed;

    /** A pool that answers writes without waiting for replicas (tests, or a Redis without replicas). */
    public KeyStorePool(int size, Supplier<KeyStore> newSession, Duration queueTimeout) {
        this(size, newSession, queueTimeout, 0, Duration.ZERO, Duration.ZERO, new SimpleMeterRegistry());
    }

    /**
     * A pool whose claims, completions and releases are answered only once at least {@code minReplicas} replicas, and
     * every replica the master counts online, hold them (WAIT on the session that wrote them), so that a Sentinel
     * failover cannot undo a write the API acknowledged; a write that cannot be confirmed yet is held for up to
     * {@code failoverHold} from its arrival, then answered unavailable.
     */
    public KeyStorePool(int size, Supplier<KeyStore> newSession, Duration queueTimeout, int minReplicas,
                        Duration waitTimeout, Duration failoverHold, MeterRegistry registry) {
        this(size, newSession, queueTimeout, minReplicas, waitTimeout, failoverHold, registry, System::nanoTime);
    }

    /** With {@code nanoClock} as the time a request is queued and expires by (tests move it by hand). */
    KeyStorePool(int size, Supplier<KeyStore> newSession, Duration queueTimeout, int minReplicas, Duration waitTimeout,
                 Duration failoverHold, MeterRegistry registry, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.failoverHold = failoverHold;
        this.failoverRetries = Counter.builder("quondam.api.writes.resent")
                .description("Groups of writes sent again after their connection was replaced before WAIT confirmed"
                        + " them (a failover)")
                .register(registry);
        this.groupSize = DistributionSummary.builder("quondam.api.group.size")
                .description("Requests sent to Redis together in one round trip (group commit)")
                .register(registry);
        this.sessions = Stream.generate(newSession).limit(size).toList();
        // A request also waits in the queue while every session holds a group through a failover.
        this.queueTimeout = queueTimeout.compareTo(failoverHold) >= 0 ? queueTimeout : failoverHold;
        this.minReplicas = minReplicas;
        this.waitTimeout = waitTimeout;
        this.responders = Executors.newFixedThreadPool(Math.max(2, size / 2), runnable -> {
            var thread = new Thread(runnable, "quondam-responder");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < sessions.size(); i++) {
            var session = sessions.get(i);
            var committer = new Thread(() -> commitGroups(session), "quondam-group-commit-" + (i + 1));
            committer.setDaemon(true);
            committers.add(committer);
            committer.start();
        }
    }

    @Override
    public <T> CompletableFuture<T> submit(KeyOperation<T> operation) {
        var answer = new CompletableFuture<T>();
        if (closed) {
            answer.completeExceptionally(new KeyStoreUnavailableException("the key store is closing", null));
            return answer;
        }
        queue.add(new Queued<>(operation, answer, nanoClock.getAsLong()));
        return answer;
    }

    private void commitGroups(KeyStore session) {
        var group = new ArrayList<Queued<?>>(MAX_GROUP);
        while (!closed) {
            try {
                Queued<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(session, expireStale(group));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                var failure = e;
                group.forEach(queued -> queued.answer().completeExceptionally(failure));
            } finally {
                group.clear();
            }
        }
    }

    /** Requests that waited longer than the queue timeout are answered unavailable instead of sent. */
    private List<Queued<?>> expireStale(List<Queued<?>> group) {
        long now = nanoClock.getAsLong();
        var live = new ArrayList<Queued<?>>(group.size());
        for (var queued : group) {
            if (now - queued.queuedAtNanos() > queueTimeout.toNanos()) {
                queued.answer().completeExceptionally(new KeyStoreUnavailableException(
                        "no key-store session free within " + queueTimeout, null));
            } else {
                live.add(queued);
            }
        }
        return live;
    }

    /**
     * One round trip for the group, one WAIT for its writes, then every answer. While the writes cannot be confirmed
     * (replicas lag, the master is failing over, the session found a new master), the group is held: WAIT again on
     * the same connection, or send the group again to the new master, until the failover hold of its oldest request
     * runs out, and only then answer "unavailable". A failover that ends in time is latency to the client.
     */
    private void commit(KeyStore session, List<Queued<?>> group) {
        if (group.isEmpty()) {
            return;
        }
        groupSize.record(group.size());
        long deadline = group.stream().mapToLong(Queued::queuedAtNanos).min().orElseThrow() + failoverHold.toNanos();
        var operations = group.stream().<KeyOperation<?>>map(Queued::operation).toList();
        List<KeyOperation.Outcome> outcomes = null;
        RuntimeException notConfirmed;
        while (true) {
            KeyStore.Ran ran;
            try {
                ran = session.runAllAwaiting(operations, minReplicas, waitTimeout);
            } catch (KeyStoreUnavailableException e) {
                if (nanoClock.getAsLong() < deadline) {
                    continue; // the session backed off between its own attempts; the failover may end yet
                }
                throw e;
            }
            outcomes = outcomes == null ? ran.outcomes() : resent(operations, outcomes, ran.outcomes());
            boolean wrote = false;
            for (int i = 0; i < group.size(); i++) {
                wrote |= operations.get(i).wrote(outcomes.get(i));
            }
            notConfirmed = wrote && !ran.confirmed() ? awaitReplicas(session, deadline) : null;
            if (!(notConfirmed instanceof WritesMayBeLost) || nanoClock.getAsLong() >= deadline) {
                break;
            }
            failoverRetries.increment(); // the connection was replaced: send the same writes to the new master
        }
        var answers = new ArrayList<Runnable>(group.size());
        for (int i = 0; i < group.size(); i++) {
            var queued = group.get(i);
            var outcome = outcomes.get(i);
            // Calls that wrote are answered only if the WAIT confirmed them; the others as they would be alone.
            var answer = notConfirmed != null && operations.get(i).wrote(outcome)
                    ? KeyOperation.Outcome.failed(notConfirmed) : outcome;
            answers.add(() -> queued.complete(answer));
        }
        responders.execute(() -> answers.forEach(Runnable::run));
    }

    private static List<KeyOperation.Outcome> resent(List<KeyOperation<?>> operations,
                                                     List<KeyOperation.Outcome> first,
                                                     List<KeyOperation.Outcome> again) {
        var merged = new ArrayList<KeyOperation.Outcome>(again.size());
        for (int i = 0; i < again.size(); i++) {
            merged.add(operations.get(i).resent(first.get(i), again.get(i)));
        }
        return merged;
    }

    /** The session's connection was replaced before its writes were confirmed: they must be sent again. */
    private static final class WritesMayBeLost extends KeyStoreUnavailableException {
        private static final long serialVersionUID = 1L;

        WritesMayBeLost(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * WAIT on the session that wrote, again and again while replicas lag, until {@code deadline}; null once
     * confirmed, else why the group's writes are not.
     */
    private RuntimeException awaitReplicas(KeyStore session, long deadline) {
        if (minReplicas == 0) {
            return null;
        }
        while (true) {
            try {
                session.awaitReplication(minReplicas, waitTimeout);
                return null;
            } catch (ReplicationLagException e) {
                // No replica yet (the new master's replicas are resynchronising, or every replica is away): keep
                // the group rather than answer 503 at once.
                if (nanoClock.getAsLong() >= deadline) {
                    return notConfirmed(e);
                }
            } catch (ReplicationException e) {
                return new WritesMayBeLost("the write is not confirmed (the Redis connection was replaced); retry with"
                        + " the same owner: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                return e;
            }
        }
    }

    private KeyStoreUnavailableException notConfirmed(ReplicationException e) {
        return new KeyStoreUnavailableException("the write is not confirmed by " + minReplicas
                + " replica(s) yet; retry with the same owner: " + e.getMessage(), e);
    }

    /**
     * The blocking form of {@link #submit}, for callers that have a thread to spare (readiness checks, the legacy
     * routes, tests). Like every write the API acknowledges, a claim or a release is answered only once the replicas
     * hold it: a release answered earlier could be undone by a failover, and the key claimed a second time.
     */
    @Override
    protected <T> T run(KeyOperation<T> operation) {
        try {
            return submit(operation).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Not offered: WAIT covers one connection's writes, and a pooled call does not know which session it used. */
    @Override
    public void awaitReplication(int minReplicas, Duration timeout) {
        throw new UnsupportedOperationException("awaitReplication is per session; the pool does not offer it");
    }

    /** Stops taking requests, answers those still queued as unavailable, and closes the sessions. */
    @Override
    public void close() {
        closed = true;
        for (var committer : committers) {
            try {
                committer.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Queued<?> queued; (queued = queue.poll()) != null; ) {
            queued.answer().completeExceptionally(new KeyStoreUnavailableException("the key store is closing", null));
        }
        responders.shutdown();
        sessions.forEach(KeyStore::close);
    }
}
