package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
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

    /** Earlier builds kept every slot, each entry led by its batch's generation, and a watermark under key -1. */
    @Test
    void shouldRestoreTheRecordsAnEarlierBuildLeftPendingAndThenDropItsEntries() throws IOException {
        store.put(-1L, ByteBuffer.allocate(Long.BYTES).putLong(7).array()); // generations up to 7 were answered
        store.put(0L, earlierEntry(8, pending(81)));
        store.put(1L, earlierEntry(8, pending(82)));
        store.put(2L, earlierEntry(7, pending(72))); // answered: not restored
        store.put(3L, earlierEntry(7, pending(73)));

        var restored = new PendingClaims(store);

        assertThat(offsets(restored)).containsExactly(81L, 82L);
        assertThat(restored.batch().get(1).owner()).isEqualTo("payments-0@82");
        assertThat(new String(restored.batch().get(1).record().value(), StandardCharsets.UTF_8)).isEqualTo("v82");
        restored.markClaimed();
        assertThat(store.approximateNumEntries()).isZero();
    }

    private static byte[] earlierEntry(long generation, PendingClaims.Pending pending) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new DataOutputStream(bytes)) {
            out.writeLong(generation);
            out.writeLong(pending.offset());
            out.writeUTF(pending.owner());
            out.writeUTF(pending.idempotencyKey());
            out.writeLong(pending.record().timestamp());
            out.writeInt(pending.record().key().length);
            out.write(pending.record().key());
            out.writeInt(pending.record().value().length);
            out.write(pending.record().value());
            out.writeInt(0);
        }
        return bytes.toByteArray();
    }
}
