package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.store.ClaimRequest;
import io.quondam.store.ClaimResult;
import io.quondam.store.CompleteResult;
import io.quondam.store.InMemoryKeyStore;
import io.quondam.store.KeyClaim;
import io.quondam.store.KeyStatus;
import io.quondam.store.KeyStore;
import io.quondam.store.KeyStoreUnavailableException;
import io.quondam.store.ReplicationException;
import io.quondam.store.ReplicationLagException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the pool answers a write, and when it gives up waiting for replicas. */
class KeyStorePoolTest {
    private static final Duration DAY = Duration.ofDays(1);

    /** An in-memory store whose WAIT answers are scripted: each call takes the next (null: confirmed). */
    private static final class ScriptedWait implements KeyStore {
        private final InMemoryKeyStore data = new InMemoryKeyStore();
        private final Deque<Optional<ReplicationException>> answers = new ArrayDeque<>();
        private int waits;

        ScriptedWait then(ReplicationException failure) {
            answers.add(Optional.of(failure));
            return this;
        }

        @Override
        public void awaitReplication(int minReplicas, Duration timeout) {
            waits++;
            var next = answers.poll();
            if (next != null && next.isPresent()) {
                throw next.get();
            }
        }

        @Override
        public List<ClaimResult> claimAll(List<ClaimRequest> requests) {
            return data.claimAll(requests);
        }

        @Override
        public KeyClaim claimKey(String namespace, String key, String owner, Duration ttl, Optional<String> fingerprint) {
            return data.claimKey(namespace, key, owner, ttl, fingerprint);
        }

        @Override
        public CompleteResult complete(String namespace, String key, String owner, String response,
                                       Optional<String> fingerprint) {
            return data.complete(namespace, key, owner, response, fingerprint);
        }

        @Override
        public Optional<KeyStatus> status(String namespace, String key) {
            return data.status(namespace, key);
        }

        @Override
        public boolean release(String namespace, String key) {
            return data.release(namespace, key);
        }

        @Override
        public void close() {
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

    @Test
    void shouldNotWaitAgainWhenTheConnectionThatWroteWasReplaced() {
        var session = new ScriptedWait().then(new ReplicationException("connection replaced"));

        assertThatThrownBy(() -> pool(session).complete("t", "k", "req-1", "{}", Optional.empty()))
                .isInstanceOf(KeyStoreUnavailableException.class);
        assertThat(session.waits).isEqualTo(1);
    }
}
