package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.store.ForwardingKeyStore;
import io.quondam.store.InMemoryKeyStore;
import io.quondam.store.KeyClaim;
import io.quondam.store.KeyStoreUnavailableException;
import io.quondam.store.ReplicationException;
import io.quondam.store.ReplicationLagException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the pool answers a write, and when it gives up waiting for replicas. */
class KeyStorePoolTest {
    private static final Duration DAY = Duration.ofDays(1);

    /** An in-memory store whose WAIT answers are scripted: each call takes the next (none left: confirmed). */
    private static final class ScriptedWait extends ForwardingKeyStore {
        private final Deque<ReplicationException> failures = new ArrayDeque<>();
        private int waits;

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

    private static KeyStorePool pool(ScriptedWait session) {
        return new KeyStorePool(1, () -> session, Duration.ofSeconds(1), 1, Duration.ofMillis(10));
    }

    @Test
    void shouldWaitAgainWhileAReplicaLagsAndAnswerOnceItHasTheClaim() {
        var session = new ScriptedWait().then(new ReplicationLagException("0 of 1"))
                .then(new ReplicationLagException("0 of 1"));

        var claim = pool(session).claimKey("t", "k", "req-1", DAY, Optional.empty());

        assertThat(claim).isInstanceOf(KeyClaim.Claimed.class);
        assertThat(session.waits).isEqualTo(3);
    }

    @Test
    void shouldGiveUpAfterTheLastWaitSoThatTheClientRetriesWithItsOwner() {
        var session = new ScriptedWait();
        for (int i = 0; i < KeyStorePool.WAIT_ATTEMPTS; i++) {
            session.then(new ReplicationLagException("0 of 1"));
        }

        assertThatThrownBy(() -> pool(session).claimKey("t", "k", "req-1", DAY, Optional.empty()))
                .isInstanceOf(KeyStoreUnavailableException.class).hasMessageContaining("retry with the same owner");
        assertThat(session.waits).isEqualTo(KeyStorePool.WAIT_ATTEMPTS);
    }

    /** The legacy register and consume, and DELETE /v1, acknowledge writes too: none may skip the replicas. */
    @Test
    void shouldWaitForReplicasOnEveryWriteIncludingReleasesAndBatchClaims() {
        var session = new ScriptedWait();
        var pool = pool(session);

        pool.claim("legacy:s", "k", "legacy", DAY);
        pool.claimKey("t", "k", "req-1", DAY, Optional.empty());
        pool.complete("t", "k", "req-1", "{}", Optional.empty());
        pool.release("legacy:s", "k");
        pool.release("t", "k");
        assertThat(session.waits).isEqualTo(5);

        pool.claim("legacy:s", "k2", "legacy", DAY);
        for (int i = 0; i < KeyStorePool.WAIT_ATTEMPTS; i++) {
            session.then(new ReplicationLagException("0 of 1"));
        }
        assertThatThrownBy(() -> pool.release("legacy:s", "k2")).isInstanceOf(KeyStoreUnavailableException.class);
    }

    @Test
    void shouldNotWaitAgainWhenTheConnectionThatWroteWasReplaced() {
        var session = new ScriptedWait().then(new ReplicationException("connection replaced"));

        assertThatThrownBy(() -> pool(session).complete("t", "k", "req-1", "{}", Optional.empty()))
                .isInstanceOf(KeyStoreUnavailableException.class);
        assertThat(session.waits).isEqualTo(1);
    }
}
