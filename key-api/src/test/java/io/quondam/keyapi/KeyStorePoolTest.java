package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.store.ForwardingKeyStore;
import io.quondam.store.InMemoryKeyStore;
import io.quondam.store.KeyClaim;
import io.quondam.store.KeyOperation;
import io.quondam.store.KeyStoreUnavailableException;
import io.quondam.store.ReplicationException;
import io.quondam.store.ReplicationLagException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Deque;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the pool answers a write, and when it gives up waiting for replicas. */
class KeyStorePoolTest {
    private static final Duration DAY = Duration.ofDays(1);

    /** An in-memory store whose WAIT answers are scripted: each call takes the next (none left: confirmed). */
    private static class ScriptedWait extends ForwardingKeyStore {
        private final Deque<ReplicationException> failures = new ArrayDeque<>();
        volatile int waits;

        ScriptedWait() {
            super(new InMemoryKeyStore());
        }

        ScriptedWait then(ReplicationException failure) {
            failures.add(failure);
            return this;
        }

        @Override
        public void awaitReplication(int minReplicas, Duration timeout) {
            waits++;
            var next = failures.poll();
            if (next != null) {
                throw next;
            }
        }
    }

    /** Holds the first group in Redis until released, and records the size of every group. */
    private static final class GatedSession extends ScriptedWait {
        private final CountDownLatch inFirstGroup = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final List<Integer> groups = new CopyOnWriteArrayList<>();

        @Override
        public List<KeyOperation.Outcome> runAll(List<? extends KeyOperation<?>> operations) {
            groups.add(operations.size());
            inFirstGroup.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.runAll(operations);
        }
    }

    /** Requests that arrive while a round trip is in flight all travel in the next one, with one WAIT for them. */
    @Test
    void shouldSendTheRequestsThatArriveDuringARoundTripTogetherWithOneWait() throws Exception {
        var session = new GatedSession();
        var registry = new SimpleMeterRegistry();
        try (var pool = new KeyStorePool(1, () -> session, Duration.ofSeconds(1), 1, Duration.ofMillis(10),
                Duration.ofSeconds(1), registry)) {
            var first = pool.submit(new KeyOperation.ClaimKey("t", "first", "req-0", DAY, Optional.empty()));
            session.inFirstGroup.await();
            var later = new ArrayList<CompletableFuture<KeyClaim>>();
            for (int i = 0; i < 100; i++) {
                later.add(pool.submit(new KeyOperation.ClaimKey("t", "k" + (i % 10), "req-" + i, DAY,
                        Optional.empty())));
            }
            session.release.countDown();

            assertThat(first.get(5, TimeUnit.SECONDS)).isInstanceOf(KeyClaim.Claimed.class);
            var answers = new ArrayList<KeyClaim>();
            for (var answer : later) {
                answers.add(answer.get(5, TimeUnit.SECONDS));
            }
            assertThat(session.groups).containsExactly(1, 100);
            assertThat(session.waits).isEqualTo(2);
            var groupSize = registry.get("quondam.api.group.size").summary();
            assertThat(groupSize.count()).isEqualTo(2);
            assertThat(groupSize.max()).isEqualTo(100);
            assertThat(answers).filteredOn(KeyClaim.Claimed.class::isInstance).hasSize(10);
            assertThat(answers).filteredOn(KeyClaim.InProgress.class::isInstance).hasSize(90);
        }
    }

    /** A group whose WAIT fails answers each request as it would alone: writes 503, reads and refusals as they are. */
    @Test
    void shouldFailOnlyTheWritesOfAGroupWhoseWaitFails() throws Exception {
        var session = new GatedSession();
        session.then(new ReplicationException("connection replaced"));
        try (var pool = pool(session, Duration.ZERO)) { // no hold: the failed WAIT is final
            var blocker = pool.submit(new KeyOperation.Status("t", "nothing"));
            session.inFirstGroup.await();
            var write = pool.submit(new KeyOperation.ClaimKey("t", "k", "req-1", DAY, Optional.empty()));
            var refused = pool.submit(new KeyOperation.ClaimKey("t", "k", "req-2", DAY, Optional.empty()));
            var read = pool.submit(new KeyOperation.Status("t", "k"));
            session.release.countDown();

            assertThat(blocker.get(5, TimeUnit.SECONDS)).isEmpty();
            assertThatThrownBy(() -> write.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(KeyStoreUnavailableException.class);
            assertThat(refused.get(5, TimeUnit.SECONDS)).isInstanceOf(KeyClaim.InProgress.class);
            assertThat(read.get(5, TimeUnit.SECONDS)).isPresent();
            assertThat(session.groups).containsExactly(1, 3);
        }
    }

    @Test
    void shouldAnswerUnavailableToARequestThatWaitedLongerThanTheQueueTimeout() throws Exception {
        var session = new GatedSession();
        var now = new java.util.concurrent.atomic.AtomicLong();
        try (var pool = new KeyStorePool(1, () -> session, Duration.ofMillis(50), 1, Duration.ofMillis(10),
                Duration.ZERO, new SimpleMeterRegistry(), now::get)) {
            var blocker = pool.submit(new KeyOperation.Status("t", "nothing"));
            session.inFirstGroup.await();
            var stale = pool.submit(new KeyOperation.ClaimKey("t", "k", "req-1", DAY, Optional.empty()));
            now.addAndGet(Duration.ofMillis(51).toNanos()); // the request has waited longer than the queue timeout
            session.release.countDown();

            assertThat(blocker.get(5, TimeUnit.SECONDS)).isEmpty();
            assertThatThrownBy(() -> stale.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(KeyStoreUnavailableException.class)
                    .hasMessageContaining("no key-store session free within");
            assertThat(session.groups).containsExactly(1);
        }
    }

    /** A pool over {@code session} that holds an unconfirmed write for up to a second. */
    private static KeyStorePool pool(ScriptedWait session) {
        return pool(session, Duration.ofSeconds(1));
    }

    private static KeyStorePool pool(ScriptedWait session, Duration failoverHold) {
        return new KeyStorePool(1, () -> session, Duration.ofSeconds(1), 1, Duration.ofMillis(10), failoverHold,
                new SimpleMeterRegistry());
    }

    @Test
    void shouldWaitAgainWhileAReplicaLagsAndAnswerOnceItHasTheClaim() {
        var session = new ScriptedWait().then(new ReplicationLagException("0 of 1"))
                .then(new ReplicationLagException("0 of 1"));

        var claim = pool(session).claimKey("t", "k", "req-1", DAY, Optional.empty());

        assertThat(claim).isInstanceOf(KeyClaim.Claimed.class);
        assertThat(session.waits).isEqualTo(3);
    }

    /** Each WAIT takes 400 ms of the hold's second here: the third one ends past it, and the write is refused. */
    @Test
    void shouldGiveUpOnceTheFailoverHoldHasPassedSoThatTheClientRetriesWithItsOwner() {
        var now = new AtomicLong();
        var session = new ScriptedWait() {
            @Override
            public void awaitReplication(int minReplicas, Duration timeout) {
                now.addAndGet(Duration.ofMillis(400).toNanos());
                super.awaitReplication(minReplicas, timeout);
            }
        };
        for (int i = 0; i < 10; i++) {
            session.then(new ReplicationLagException("0 of 1"));
        }
        try (var pool = new KeyStorePool(1, () -> session, Duration.ofSeconds(1), 1, Duration.ofMillis(10),
                Duration.ofSeconds(1), new SimpleMeterRegistry(), now::get)) {
            assertThatThrownBy(() -> pool.claimKey("t", "k", "req-1", DAY, Optional.empty()))
                    .isInstanceOf(KeyStoreUnavailableException.class).hasMessageContaining("retry with the same owner");
            assertThat(session.waits).isEqualTo(3);
        }
    }

    /** The legacy register and consume, and DELETE /v1, acknowledge writes too: none may skip the replicas. */
    @Test
    void shouldWaitForReplicasOnEveryWriteIncludingReleasesAndBatchClaims() {
        var session = new ScriptedWait();
        var pool = pool(session, Duration.ZERO);

        pool.claim("legacy:s", "k", "legacy", DAY);
        pool.claimKey("t", "k", "req-1", DAY, Optional.empty());
        pool.complete("t", "k", "req-1", "{}", Optional.empty());
        pool.release("legacy:s", "k");
        pool.release("t", "k");
        assertThat(session.waits).isEqualTo(5);

        pool.claim("legacy:s", "k2", "legacy", DAY);
        session.then(new ReplicationLagException("0 of 1"));
        assertThatThrownBy(() -> pool.release("legacy:s", "k2")).isInstanceOf(KeyStoreUnavailableException.class);
    }

    /**
     * A connection replaced before WAIT (a failover) may have lost the writes: within the hold the group is sent
     * again, and each request answered as its first attempt would have been, had it been confirmed.
     */
    @Test
    void shouldSendTheWritesAgainWhenTheConnectionThatWroteWasReplaced() {
        var session = new ScriptedWait().then(new ReplicationException("connection replaced"));
        var pool = pool(session);

        assertThat(pool.claimKey("t", "k", "req-1", DAY, Optional.empty())).isInstanceOf(KeyClaim.Claimed.class);
        assertThat(session.waits).isEqualTo(2);

        session.then(new ReplicationException("connection replaced"));
        assertThat(pool.release("t", "k")).isTrue();
        session.then(new ReplicationException("connection replaced"));
        assertThat(pool.claim("legacy:s", "k", "legacy", DAY))
                .isInstanceOf(io.quondam.store.ClaimResult.Claimed.class);
    }

    @Test
    void shouldNotSendAgainOnceTheHoldHasPassed() {
        var session = new ScriptedWait().then(new ReplicationException("connection replaced"));

        assertThatThrownBy(() -> pool(session, Duration.ZERO).claimKey("t", "k", "req-1", DAY, Optional.empty()))
                .isInstanceOf(KeyStoreUnavailableException.class);
        assertThat(session.waits).isEqualTo(1);
    }
}
