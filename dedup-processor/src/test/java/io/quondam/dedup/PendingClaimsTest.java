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
        before.add(pending(13));
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

    @Test
    void shouldLeaveNothingInTheStoreOnceEveryRecordIsClaimed() {
        var claims = new PendingClaims(store);
        for (long offset = 40; offset < 45; offset++) {
            claims.add(pending(offset));
        }
        claims.markClaimed();
        claims.add(pending(45));
        claims.markClaimed();

        assertThat(store.approximateNumEntries()).isZero();
    }

    /** writeUTF, which the entries once used, stops at 65,535 bytes; a Kafka header name may be longer. */
    @Test
    void shouldRestoreAHeaderNameLongerThan64KiBAndMultiByteText() {
        String name = "ü".repeat(40_000);
        var headers = new RecordHeaders().add(name, null).add("h", new byte[0]);
        var original = new PendingClaims.Pending(7, "payments-0@7", "K-🙂-é",
                new Record<>(null, "v".getBytes(StandardCharsets.UTF_8), 7L, headers));
        new PendingClaims(store).add(original);

        var restored = new PendingClaims(store).batch().get(0);

        assertThat(restored.idempotencyKey()).isEqualTo("K-🙂-é");
        assertThat(restored.record().key()).isNull();
        assertThat(restored.record().headers().toArray()).hasSize(2);
        assertThat(restored.record().headers().lastHeader(name).value()).isNull();
        assertThat(restored.record().headers().lastHeader("h").value()).isEmpty();
    }

    /** The size check before buffering a record must count its changelog entry exactly as the producer will. */
    @Test
    void shouldComputeTheChangelogSizeOfAnEntryAsTheProducerCountsIt() {
        var headers = new RecordHeaders().add("é".repeat(100), new byte[300]).add("h", null);
        var pending = new PendingClaims.Pending(12, "payments-3@12", "K-🙂",
                new Record<>(new byte[20], new byte[5000], 1L, headers));
        new PendingClaims(store).add(pending);

        byte[] entry = store.get(0L);

        assertThat(PendingClaims.changelogSize(pending)).isEqualTo(OutputLimit.sizeOf(Long.BYTES, entry.length, 0));
    }

    @Test
    void shouldRefuseAnEntryOfAnotherFormatNamingTheRemedy() {
        store.put(0L, new byte[] {1, 0, 0});

        assertThatThrownBy(() -> new PendingClaims(store)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kafka-streams-application-reset");
    }
}
