package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.stack.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The claim protocol every {@link KeyStore} must honour; run against the in-memory and the Redis store. */
abstract class KeyStoreContract {
    private static final Duration DAY = Duration.ofHours(24);

    private final List<KeyStore> sessions = new ArrayList<>();
    private String namespace;
    private KeyStore store;

    /** A new session onto the same shared key space as every other session of this test. */
    protected abstract KeyStore newSession();

    @BeforeEach
    void openStore() {
        namespace = "contract-" + UUID.randomUUID();
        store = session();
    }

    @AfterEach
    void closeSessions() {
        sessions.forEach(KeyStore::close);
    }

    private KeyStore session() {
        var session = newSession();
        sessions.add(session);
        return session;
    }

    @Test
    void shouldClaimFreeKey() {
        assertThat(store.claim(namespace, "k1", "owner-a", DAY)).isEqualTo(new ClaimResult.Claimed("owner-a"));
    }

    @Test
    void shouldReplayClaimOfSameOwner() {
        store.claim(namespace, "k1", "payments-3@17", DAY);

        var again = store.claim(namespace, "k1", "payments-3@17", DAY);

        assertThat(again).isInstanceOf(ClaimResult.Replayed.class);
        assertThat(((ClaimResult.Replayed) again).owner()).isEqualTo("payments-3@17");
        assertThat(again.ownedByCaller()).isTrue();
    }

    @Test
    void shouldReportDuplicateWithExistingOwner() {
        store.claim(namespace, "k1", "owner-a", DAY);

        var second = store.claim(namespace, "k1", "owner-b", DAY);

        assertThat(second).isInstanceOfSatisfying(ClaimResult.Duplicate.class,
                d -> assertThat(d.existingOwner()).isEqualTo("owner-a"));
        assertThat(second.ownedByCaller()).isFalse();
    }

    /**
     * Whatever an owner looks like (a number, as the processor's; text that starts with the full value form's state
     * letter; text full of its separators), its own replay and another owner's duplicate are told apart, and the
     * status shows it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"4611686018427387904", "-12", "0", "P5|0|x", "C", "owner|with|bars", "Ünicode 🙂"})
    void shouldTellReplayFromDuplicateWhateverTheOwnerLooksLike(String owner) {
        assertThat(store.claim(namespace, "k-" + owner, owner, DAY)).isEqualTo(new ClaimResult.Claimed(owner));

        assertThat(store.claim(namespace, "k-" + owner, owner, DAY)).isEqualTo(new ClaimResult.Replayed(owner));
        assertThat(store.claim(namespace, "k-" + owner, owner + "0", DAY))
                .isEqualTo(new ClaimResult.Duplicate(owner));
        assertThat(store.status(namespace, "k-" + owner)).hasValueSatisfying(status -> {
            assertThat(status.owner()).isEqualTo(owner);
            assertThat(status.state()).isEqualTo(KeyState.IN_PROGRESS);
        });
        assertThat(store.complete(namespace, "k-" + owner, owner, "{}", Optional.empty()))
                .isInstanceOf(CompleteResult.Completed.class);
        assertThat(store.claim(namespace, "k-" + owner, owner, DAY)).isEqualTo(new ClaimResult.Replayed(owner));
    }

    @Test
    void shouldSeeClaimsOfOtherSessions() {
        store.claim(namespace, "k1", "owner-a", DAY);

        assertThat(session().claim(namespace, "k1", "owner-b", DAY)).isInstanceOf(ClaimResult.Duplicate.class);
    }

    @Test
    void shouldKeepNamespacesApart() {
        store.claim(namespace, "k1", "owner-a", DAY);

        assertThat(store.claim(namespace + "-other", "k1", "owner-b", DAY))
                .isEqualTo(new ClaimResult.Claimed("owner-b"));
    }

    @Test
    void shouldFreeKeyWhenTtlExpires() {
        store.claim(namespace, "k1", "owner-a", Duration.ofMillis(200));

        Await.until(Duration.ofSeconds(5), () -> store.status(namespace, "k1").isEmpty(), "key to expire");

        assertThat(store.claim(namespace, "k1", "owner-b", DAY)).isEqualTo(new ClaimResult.Claimed("owner-b"));
    }

    @Test
    void shouldKeepKeyBeforeTtlExpires() {
        store.claim(namespace, "k1", "owner-a", Duration.ofMinutes(10));

        assertThat(store.claim(namespace, "k1", "owner-b", DAY)).isInstanceOf(ClaimResult.Duplicate.class);
    }

    @Test
    void shouldReportStatusOfClaimedKey() {
        store.claim(namespace, "k1", "owner-a", Duration.ofMinutes(10));

        var status = store.status(namespace, "k1").orElseThrow();

        assertThat(status.owner()).isEqualTo("owner-a");
        assertThat(status.expiresIn()).isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
        assertThat(store.status(namespace, "unknown")).isEmpty();
    }

    @Test
    void shouldReleaseKeySoThatItCanBeClaimedAgain() {
        store.claim(namespace, "k1", "owner-a", DAY);

        assertThat(store.release(namespace, "k1")).isTrue();
        assertThat(store.release(namespace, "k1")).isFalse();
        assertThat(store.claim(namespace, "k1", "owner-b", DAY)).isEqualTo(new ClaimResult.Claimed("owner-b"));
    }

    @Test
    void shouldAnswerBatchInRequestOrder() {
        store.claim(namespace, "taken", "owner-a", DAY);
        store.claim(namespace, "mine", "owner-b", DAY);

        var results = store.claimAll(List.of(
                new ClaimRequest(namespace, "fresh", "owner-b", DAY),
                new ClaimRequest(namespace, "taken", "owner-b", DAY),
                new ClaimRequest(namespace, "mine", "owner-b", DAY),
                new ClaimRequest(namespace, "fresh", "owner-c", DAY)));

        assertThat(results).hasSize(4);
        assertThat(results.get(0)).isEqualTo(new ClaimResult.Claimed("owner-b"));
        assertThat(results.get(1)).isInstanceOf(ClaimResult.Duplicate.class);
        assertThat(results.get(2)).isInstanceOf(ClaimResult.Replayed.class);
        assertThat(results.get(3)).isInstanceOf(ClaimResult.Duplicate.class);
    }

    @Test
    void shouldAnswerLargeBatchInOrderWithDuplicatesWithinIt() {
        // 1,000 claims: more than one script call on Redis; every key twice, the second time 500 claims later.
        var requests = new ArrayList<ClaimRequest>();
        for (int i = 0; i < 1_000; i++) {
            requests.add(new ClaimRequest(namespace, "big-" + (i % 500), "owner-" + i, DAY));
        }

        var results = store.claimAll(requests);

        assertThat(results).hasSize(1_000);
        for (int i = 0; i < 500; i++) {
            assertThat(results.get(i)).isEqualTo(new ClaimResult.Claimed("owner-" + i));
            assertThat(results.get(i + 500)).isInstanceOf(ClaimResult.Duplicate.class);
            assertThat(((ClaimResult.Duplicate) results.get(i + 500)).existingOwner()).isEqualTo("owner-" + i);
        }
    }

    @Test
    void shouldHandleKeysWithUnicodeAndSeparators() {
        String key = "zahlung:ü/é {x} 🙂";

        assertThat(store.claim(namespace, key, "owner-a", DAY)).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.status(namespace, key).orElseThrow().owner()).isEqualTo("owner-a");
    }

    @Test
    void shouldLetExactlyOneOfEightConcurrentClaimersWin() throws Exception {
        int threads = 8;
        var ready = new CountDownLatch(threads);
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(threads);
        try {
            var futures = new ArrayList<Future<ClaimResult>>();
            for (int i = 0; i < threads; i++) {
                var session = session();
                String owner = "owner-" + i;
                Callable<ClaimResult> claim = () -> {
                    ready.countDown();
                    start.await();
                    return session.claim(namespace, "contended", owner, DAY);
                };
                futures.add(pool.submit(claim));
            }
            ready.await();
            start.countDown();
            var results = new ArrayList<ClaimResult>();
            for (var future : futures) {
                results.add(future.get());
            }

            assertThat(results).filteredOn(r -> r instanceof ClaimResult.Claimed).hasSize(1);
            assertThat(results).filteredOn(r -> r instanceof ClaimResult.Duplicate).hasSize(threads - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldClaimKeyForApiAndAnswerRetryOfSameOwner() {
        assertThat(store.claimKey(namespace, "k1", "req-1", DAY, Optional.of("fp-1")))
                .isInstanceOf(KeyClaim.Claimed.class);

        assertThat(store.claimKey(namespace, "k1", "req-1", DAY, Optional.of("fp-1")))
                .isInstanceOfSatisfying(KeyClaim.AlreadyOwned.class, owned -> {
                    assertThat(owned.owner()).isEqualTo("req-1");
                    assertThat(owned.expiresIn()).isBetween(Duration.ofHours(23), DAY);
                });
        assertThat(store.claimKey(namespace, "k1", "req-2", DAY, Optional.empty()))
                .isInstanceOfSatisfying(KeyClaim.InProgress.class,
                        busy -> assertThat(busy.existingOwner()).isEqualTo("req-1"));
    }

    @Test
    void shouldCompleteKeyAndReplayStoredResponseWithFingerprint() {
        store.claimKey(namespace, "k1", "req-1", DAY, Optional.of("fp-1"));

        assertThat(store.complete(namespace, "k1", "req-1", "{\"paid\":true}", Optional.empty()))
                .isEqualTo(new CompleteResult.Completed());

        assertThat(store.claimKey(namespace, "k1", "req-2", DAY, Optional.of("fp-2")))
                .isInstanceOfSatisfying(KeyClaim.Completed.class, done -> {
                    assertThat(done.owner()).isEqualTo("req-1");
                    assertThat(done.response()).isEqualTo("{\"paid\":true}");
                    assertThat(done.fingerprint()).contains("fp-1");
                });
        var status = store.status(namespace, "k1").orElseThrow();
        assertThat(status.state()).isEqualTo(KeyState.COMPLETED);
        assertThat(status.response()).contains("{\"paid\":true}");
        assertThat(status.fingerprint()).contains("fp-1");
    }

    /** Owner, fingerprint and response share one stored value: separators and multi-byte text must not blur them. */
    @Test
    void shouldKeepOwnerFingerprintAndResponseApartWhateverTheyContain() {
        String owner = "P1|2|3|ü🙂";
        String fingerprint = "|9|é";
        String response = "{\"note\":\"C12|3|4|x\", \"sum\":\"€ 10\"}\n";
        store.claimKey(namespace, "k1", owner, DAY, Optional.of(fingerprint));

        assertThat(store.claimKey(namespace, "k1", owner, DAY, Optional.of(fingerprint)))
                .isInstanceOf(KeyClaim.AlreadyOwned.class);
        assertThat(store.complete(namespace, "k1", owner, response, Optional.empty()))
                .isEqualTo(new CompleteResult.Completed());

        var status = store.status(namespace, "k1").orElseThrow();
        assertThat(status.owner()).isEqualTo(owner);
        assertThat(status.fingerprint()).contains(fingerprint);
        assertThat(status.response()).contains(response);
        assertThat(store.claim(namespace, "k1", owner, DAY)).isInstanceOf(ClaimResult.Replayed.class);
        assertThat(store.claim(namespace, "k1", "P1|2|3|ü", DAY)).isInstanceOf(ClaimResult.Duplicate.class);
    }

    @Test
    void shouldReplaceFingerprintGivenAtCompletion() {
        store.claimKey(namespace, "k1", "req-1", DAY, Optional.empty());

        store.complete(namespace, "k1", "req-1", "\"ok\"", Optional.of("fp-9"));

        assertThat(store.status(namespace, "k1").orElseThrow().fingerprint()).contains("fp-9");
    }

    @Test
    void shouldRefuseCompletionByAnotherOwnerOrOfUnknownKey() {
        store.claimKey(namespace, "k1", "req-1", DAY, Optional.empty());

        assertThat(store.complete(namespace, "k1", "req-2", "{}", Optional.empty()))
                .isEqualTo(new CompleteResult.NotOwner("req-1"));
        assertThat(store.complete(namespace, "unknown", "req-1", "{}", Optional.empty()))
                .isEqualTo(new CompleteResult.NotFound());
        assertThat(store.status(namespace, "k1").orElseThrow().state()).isEqualTo(KeyState.IN_PROGRESS);
        assertThat(store.status(namespace, "k1").orElseThrow().response()).isEmpty();
    }

    @Test
    void shouldKeepTheFirstCompletionAndAcceptOnlyAnIdenticalRepeat() {
        store.claimKey(namespace, "k1", "req-1", DAY, Optional.of("fp-1"));
        store.complete(namespace, "k1", "req-1", "{\"paid\":1}", Optional.empty());

        assertThat(store.complete(namespace, "k1", "req-1", "{\"paid\":1}", Optional.empty()))
                .as("the same completion again").isEqualTo(new CompleteResult.Completed());
        assertThat(store.complete(namespace, "k1", "req-1", "{\"paid\":1}", Optional.of("fp-1")))
                .as("the same, naming the stored fingerprint").isEqualTo(new CompleteResult.Completed());
        assertThat(store.complete(namespace, "k1", "req-1", "{\"paid\":2}", Optional.empty()))
                .as("another response").isEqualTo(new CompleteResult.CompletedDifferently());
        assertThat(store.complete(namespace, "k1", "req-1", "{\"paid\":1}", Optional.of("fp-2")))
                .as("another fingerprint").isEqualTo(new CompleteResult.CompletedDifferently());

        var status = store.status(namespace, "k1").orElseThrow();
        assertThat(status.response()).contains("{\"paid\":1}");
        assertThat(status.fingerprint()).contains("fp-1");
    }

    /** A lone surrogate would reach Redis as '?': "K-\ud800", "K-\udbff" and "K-?" must never become one claim. */
    @Test
    void shouldRefuseTextThatIsNotWellFormedUnicodeInsteadOfRewritingIt() {
        for (String broken : new String[] {"K-\ud800", "K-\udbff", "\udc00-K", "K-\ud800\ud800"}) {
            assertThatThrownBy(() -> store.claim(namespace, broken, "owner", DAY)).as("key %s", broken)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone surrogate");
            assertThatThrownBy(() -> store.claim(namespace, "k1", broken, DAY)).as("owner %s", broken)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.claim(broken, "k1", "owner", DAY)).as("namespace %s", broken)
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.claimKey(namespace, "k2", "owner", DAY, Optional.of(broken)))
                    .as("fingerprint %s", broken).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.complete(namespace, "k2", "owner", "\"" + broken + "\"", Optional.empty()))
                    .as("response %s", broken).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(store.claim(namespace, "K-?", "owner", DAY)).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.claim(namespace, "K-\ud83d\ude42", "owner", DAY)).as("a well-formed pair")
                .isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.status(namespace, "k2")).as("nothing claimed by a refused call").isEmpty();
    }

    /** The namespace is the Redis hash tag: one ending in '}' must not meet a key starting with '}:'. */
    @Test
    void shouldKeepEveryNamespaceAndKeyPairApart() {
        assertThat(store.claim("legacy:S}:x", "k", "owner-1", DAY)).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.claim("legacy:S", "x}:k", "owner-2", DAY)).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.claim("a%7D", "k", "owner-3", DAY)).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.claim("a}", "k", "owner-4", DAY)).isInstanceOf(ClaimResult.Claimed.class);
        assertThat(store.claim("a%", "7D:k", "owner-5", DAY)).isInstanceOf(ClaimResult.Claimed.class);
        for (String[] pair : new String[][] {{"legacy:S}:x", "k"}, {"legacy:S", "x}:k"}, {"a%7D", "k"}, {"a}", "k"}}) {
            assertThat(store.release(pair[0], pair[1])).as("release %s %s", pair[0], pair[1]).isTrue();
        }
    }

    /** A group runs in order, as the same calls one by one would; an invalid call fails alone. */
    @Test
    void shouldRunAGroupOfOperationsInOrderWithEachFailureItsOwn() {
        store.claim(namespace, "k2", "payments-0@2", DAY);
        var outcomes = store.runAll(List.of(
                new KeyOperation.ClaimKey(namespace, "k1", "req-1", DAY, Optional.of("fp")),
                new KeyOperation.ClaimKey(namespace, "k1", "req-2", DAY, Optional.empty()),
                new KeyOperation.ClaimKey(namespace, "bad-\ud800", "req-1", DAY, Optional.empty()),
                new KeyOperation.Complete(namespace, "k1", "req-1", "{\"ok\":1}", Optional.empty()),
                new KeyOperation.Status(namespace, "k1"),
                new KeyOperation.Release(namespace, "k2"),
                new KeyOperation.Release(namespace, "never-claimed"),
                new KeyOperation.Claim(List.of(new ClaimRequest(namespace, "k3", "payments-0@3", DAY),
                        new ClaimRequest(namespace, "k1", "payments-0@4", DAY)))));

        assertThat(outcomes).hasSize(8);
        assertThat(outcomes.get(0).<KeyClaim>get()).isInstanceOf(KeyClaim.Claimed.class);
        assertThat(outcomes.get(1).<KeyClaim>get()).isInstanceOf(KeyClaim.InProgress.class);
        assertThat(outcomes.get(2).failure()).isInstanceOf(IllegalArgumentException.class);
        assertThat(outcomes.get(3).<CompleteResult>get()).isEqualTo(new CompleteResult.Completed());
        assertThat(outcomes.get(4).<Optional<KeyStatus>>get()).hasValueSatisfying(
                status -> assertThat(status.response()).contains("{\"ok\":1}"));
        assertThat(outcomes.get(5).<Boolean>get()).isTrue();
        assertThat(outcomes.get(6).<Boolean>get()).isFalse();
        assertThat(outcomes.get(7).<List<ClaimResult>>get()).satisfiesExactly(
                first -> assertThat(first).isInstanceOf(ClaimResult.Claimed.class),
                second -> assertThat(second).isInstanceOf(ClaimResult.Duplicate.class));
        assertThat(store.status(namespace, "k2")).isEmpty();
    }

    @Test
    void shouldKeepTtlWhenCompleting() {
        store.claimKey(namespace, "k1", "req-1", Duration.ofMinutes(10), Optional.empty());

        store.complete(namespace, "k1", "req-1", "{}", Optional.empty());

        assertThat(store.status(namespace, "k1").orElseThrow().expiresIn())
                .isBetween(Duration.ofMinutes(9), Duration.ofMinutes(10));
    }

    @Test
    void shouldAnswerProcessorClaimOfCompletedKeyAsBefore() {
        store.claimKey(namespace, "k1", "req-1", DAY, Optional.empty());
        store.complete(namespace, "k1", "req-1", "{}", Optional.empty());

        assertThat(store.claim(namespace, "k1", "req-1", DAY)).isInstanceOf(ClaimResult.Replayed.class);
        assertThat(store.claim(namespace, "k1", "other", DAY)).isInstanceOf(ClaimResult.Duplicate.class);
    }

    @Test
    void shouldReadBackAProcessorClaimWhoseOwnerHoldsSeparatorsAndUnicode() {
        String owner = "zahlungen|ü-🙂-3@1187";
        store.claimAll(List.of(new ClaimRequest(namespace, "k1", owner, DAY)));

        assertThat(store.status(namespace, "k1").orElseThrow().owner()).isEqualTo(owner);
        assertThat(store.claim(namespace, "k1", owner, DAY)).isInstanceOf(ClaimResult.Replayed.class);
        assertThat(store.claim(namespace, "k1", "other", DAY)).isInstanceOfSatisfying(ClaimResult.Duplicate.class,
                duplicate -> assertThat(duplicate.existingOwner()).isEqualTo(owner));
    }

    @Test
    void shouldReportProcessorClaimAsInProgressToApi() {
        store.claim(namespace, "k1", "payments-0@1", DAY);

        assertThat(store.status(namespace, "k1").orElseThrow().state()).isEqualTo(KeyState.IN_PROGRESS);
        assertThat(store.claimKey(namespace, "k1", "req-1", DAY, Optional.empty()))
                .isInstanceOf(KeyClaim.InProgress.class);
    }
}
