package io.quondam.dedup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The records of one task that wait for their claims to travel to Redis in one pipelined batch. They live in a
 * changelogged, cached store, so a record whose input offset commits before its batch is claimed is not lost: the
 * store is committed in the same transaction, and after a crash or rebalance the records come back here and are
 * claimed then (with the same owner, so a claim that already reached Redis answers "replayed").
 * <p>
 * A record waits in a slot, {@code 0..batch-1}; once its batch is claimed its slot is deleted, so whatever the store
 * holds is pending. Because the store is cached, a slot written and deleted within one commit interval reaches the
 * changelog once per commit, as a tombstone of a few bytes: only the records still waiting at a commit are written
 * there in full.
 */
final class PendingClaims {
    /** One buffered record with what its claim and forwarding need, since a punctuation has no record context. */
    record Pending(long offset, String owner, String idempotencyKey, Record<byte[], byte[]> record) {
    }

    /** The first byte of an entry. Entries of earlier builds start with a generation (a long, first byte 0). */
    private static final byte FORMAT = 1;
    /** Earlier builds kept slots and a watermark here: the last generation whose claims were answered. */
    private static final long EARLIER_WATERMARK = -1L;

    private final KeyValueStore<Long, byte[]> store;
    private final List<Pending> batch = new ArrayList<>();
    /** Entries of an earlier build not restored as pending (answered ones, the watermark): deleted with the batch. */
    private final List<Long> earlierLeftovers = new ArrayList<>();
    /** The slot of each record of {@link #batch}: 0, 1, 2... for new records; wherever they were for restored ones. */
    private final List<Long> slots = new ArrayList<>();
    private boolean restored;

    PendingClaims(KeyValueStore<Long, byte[]> store) {
        this.store = store;
        restore();
    }

    /**
     * Takes back the records that were buffered but not claimed when the task last committed. Only reads: a store
     * cannot be written outside processing or punctuation; they must be claimed before the next {@link #add}.
     */
    private void restore() {
        byte[] mark = store.get(EARLIER_WATERMARK);
        long answeredGeneration = mark == null ? -1 : ByteBuffer.wrap(mark).getLong();
        var byOffset = new TreeMap<Long, Map.Entry<Long, Pending>>();
        try (var all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                boolean earlier = entry.value.length == 0 || entry.value[0] != FORMAT;
                if (entry.key == EARLIER_WATERMARK
                        || earlier && ByteBuffer.wrap(entry.value).getLong() <= answeredGeneration) {
                    earlierLeftovers.add(entry.key);
                } else {
                    var pending = decode(entry.value, earlier ? Long.BYTES : 1);
                    byOffset.put(pending.offset(), Map.entry(entry.key, pending));
                }
            }
        }
        for (var slotAndPending : byOffset.values()) {
            slots.add(slotAndPending.getKey());
            batch.add(slotAndPending.getValue());
        }
        restored = !batch.isEmpty();
    }

    /** True while restored records wait: they sit in arbitrary slots, so they are claimed before anything is added. */
    boolean holdsRestored() {
        return restored;
    }

    void add(Pending pending) {
        if (restored) {
            throw new IllegalStateException("claim the restored records before buffering new ones");
        }
        long slot = batch.size();
        store.put(slot, encode(pending));
        slots.add(slot);
        batch.add(pending);
    }

    int size() {
        return batch.size();
    }

    List<Pending> batch() {
        return List.copyOf(batch);
    }

    /** Every record of the batch has been claimed and forwarded or dropped in this transaction. */
    void markClaimed() {
        for (long slot : slots) {
            store.delete(slot);
        }
        for (long key : earlierLeftovers) {
            store.delete(key);
        }
        earlierLeftovers.clear();
        slots.clear();
        batch.clear();
        restored = false;
    }

    private static byte[] encode(Pending pending) {
        var bytes = new ByteArrayOutputStream(256);
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(pending.offset());
            out.writeUTF(pending.owner());
            out.writeUTF(pending.idempotencyKey());
            var record = pending.record();
            out.writeLong(record.timestamp());
            writeBytes(out, record.key());
            writeBytes(out, record.value());
            Header[] headers = record.headers().toArray();
            out.writeInt(headers.length);
            for (var header : headers) {
                out.writeUTF(header.key());
                writeBytes(out, header.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes an entry from {@code from}: after the format byte, or after an earlier build's generation. */
    private static Pending decode(byte[] data, int from) {
        try (var in = new DataInputStream(new ByteArrayInputStream(data, from, data.length - from))) {
            long offset = in.readLong();
            String owner = in.readUTF();
            String idempotencyKey = in.readUTF();
            long timestamp = in.readLong();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            var headers = new RecordHeaders();
            for (int i = in.readInt(); i > 0; i--) {
                headers.add(in.readUTF(), readBytes(in));
            }
            return new Pending(offset, owner, idempotencyKey, new Record<>(key, value, timestamp, headers));
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt pending-claim entry", e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        return length < 0 ? null : in.readNBytes(length);
    }
}
