package io.quondam.dedup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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
 * The store holds a fixed set of slots, {@code 0..batch-1}, overwritten batch after batch, each entry tagged with its
 * batch's generation, and a watermark: the last generation whose claims were answered. A slot of that generation or
 * older is stale. (Generations, not source offsets, so that a recreated input topic cannot hide pending records.)
 * Because the store is cached, slots written and overwritten within one commit interval reach the changelog once
 * per commit, not once per record.
 */
final class PendingClaims {
    /** One buffered record with what its claim and forwarding need, since a punctuation has no record context. */
    record Pending(long offset, String owner, String idempotencyKey, Record<byte[], byte[]> record) {
    }

    private static final long WATERMARK = -1L;

    private final KeyValueStore<Long, byte[]> store;
    private final List<Pending> batch = new ArrayList<>();
    private boolean restored;
    private long generation;

    PendingClaims(KeyValueStore<Long, byte[]> store) {
        this.store = store;
        restore();
    }

    /**
     * Takes back the records that were buffered but not claimed when the task last committed. Only reads: a store
     * cannot be written outside processing or punctuation; they must be claimed before the next {@link #add}.
     */
    private void restore() {
        byte[] mark = store.get(WATERMARK);
        long claimed = mark == null ? -1 : decodeLong(mark);
        long newest = claimed;
        var byOffset = new TreeMap<Long, Pending>();
        try (var all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                if (entry.key != WATERMARK) {
                    long entryGeneration = decodeLong(entry.value);
                    newest = Math.max(newest, entryGeneration);
                    if (entryGeneration > claimed) {
                        var pending = decode(entry.value);
                        byOffset.put(pending.offset(), pending);
                    }
                }
            }
        }
        generation = newest + 1;
        batch.addAll(byOffset.values());
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
        store.put((long) batch.size(), encode(generation, pending));
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
        store.put(WATERMARK, encodeLong(restored ? generation - 1 : generation));
        if (!restored) {
            generation++;
        }
        batch.clear();
        restored = false;
    }

    private static byte[] encode(long generation, Pending pending) {
        var bytes = new ByteArrayOutputStream(256);
        try (var out = new DataOutputStream(bytes)) {
            out.writeLong(generation);
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

    private static Pending decode(byte[] data) {
        try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            in.readLong(); // generation
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

    private static byte[] encodeLong(long value) {
        return java.nio.ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    /** The first eight bytes: a watermark's generation, or an entry's. */
    private static long decodeLong(byte[] bytes) {
        return java.nio.ByteBuffer.wrap(bytes).getLong();
    }
}
