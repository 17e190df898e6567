package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The buffer of records waiting for their claims, as a task finds it after a restart: the store holds what the last
 * commit wrote to its changelog, and a new {@link PendingClaims} on it must give back exactly the unclaimed records.
 */
class PendingClaimsTest {
    private KeyValueStore<Long, byte[]> store;

    @BeforeEach
    void createStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("pending"), Serdes.Long(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        var context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    private static PendingClaims.Pending pending(long offset) {
        var headers = new RecordHeaders().add("h", "v".getBytes(StandardCharsets.UTF_8));
        return new PendingClaims.Pending(offset, "payments-0@" + offset, "key-" + offset,
                new Record<>(("k" + offset).getBytes(StandardCharsets.UTF_8),
                        ("v" + offset).getBytes(StandardCharsets.UTF_8), 1000 + offset, headers));
    }

    private static List<Long> offsets(PendingClaims claims) {
        return claims.batch().stream().map(PendingClaims.Pending::offset).toList();
    }

    @Test
    void shouldStartEmptyOnAnEmptyStore() {
        var claims = new PendingClaims(store);

        assertThat(claims.size()).isZero();
        assertThat(claims.holdsRestored()).isFalse();
    }

    @Test
    void shouldGiveBackOnlyTheRecordsNotYetClaimed() {
        var before = new PendingClaims(store);
        before.add(pending(10));
        before.add(pending(11));
        before.add(pending(12));
        before.markClaimed();
        before.add(pending(13)); // overwrites slot 0; slots 1 and 2 still hold the claimed 11 and 12
        before.add(pending(14));

        var after = new PendingClaims(store);

        assertThat(offsets(after)).containsExactly(13L, 14L);
        assertThat(after.holdsRestored()).isTrue();
        var restored = after.batch().get(0);
        assertThat(restored.owner()).isEqualTo("payments-0@13");
        assertThat(restored.idempotencyKey()).isEqualTo("key-13");
        assertThat(new String(restored.record().key(), StandardCharsets.UTF_8)).isEqualTo("k13");
        assertThat(new String(restored.record().value(), StandardCharsets.UTF_8)).isEqualTo("v13");
        assertThat(restored.record().timestamp()).isEqualTo(1013L);
        assertThat(restored.record().headers().lastHeader("h").value()).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseNewRecordsUntilTheRestoredOnesAreClaimed() {
        var before = new PendingClaims(store);
        before.add(pending(20));
        var after = new PendingClaims(store);

        assertThatThrownBy(() -> after.add(pending(21))).isInstanceOf(IllegalStateException.class);
        after.markClaimed();
        after.add(pending(21));

        assertThat(offsets(new PendingClaims(store))).containsExactly(21L);
    }

    @Test
    void shouldForgetRestoredRecordsOnceClaimedEvenIfTheirSlotsAreNotOverwritten() {
        var first = new PendingClaims(store);
        for (long offset = 30; offset < 35; offset++) {
            first.add(pending(offset));
        }
        var restarted = new PendingClaims(store);
        restarted.markClaimed();

        var again = new PendingClaims(store);

        assertThat(again.size()).isZero();
        again.add(pending(35));
        assertThat(offsets(new PendingClaims(store))).containsExactly(35L);
    }

    @Test
    void shouldNotTreatOffsetsAsOrderSoThatARecreatedTopicLosesNothing() {
        var before = new PendingClaims(store);
        before.add(pending(5000));
        before.markClaimed();
        before.add(pending(3)); // the input topic was recreated: offsets start again below the last claimed one

        assertThat(offsets(new PendingClaims(store))).containsExactly(3L);
    }
}
