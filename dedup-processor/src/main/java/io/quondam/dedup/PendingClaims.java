package io.quondam.dedup;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    /**
     * The first byte of an entry. Every field is length-prefixed with an int: no encoder with a hidden size limit
     * ({@code writeUTF} stops at 65,535 bytes, and a header name may be longer), so any record a broker accepted fits.
     */
    private static final byte FORMAT = 2;

    private final KeyValueStore<Long, byte[]> store;
    private final List<Pending> batch = new ArrayList<>();
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
        var byOffset = new TreeMap<Long, Map.Entry<Long, Pending>>();
        try (var all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                var pending = decode(entry.value);
                byOffset.put(pending.offset(), Map.entry(entry.key, pending));
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
        slots.clear();
        batch.clear();
        restored = false;
    }

    /**
     * The size, as a producer counts it, of the changelog record that holds {@code pending} while it waits: a
     * record with a long key and the encoded entry as its value. Computed, not encoded, since it runs per record.
     */
    static int changelogSize(Pending pending) {
        var record = pending.record();
        long entry = 1 + Long.BYTES + Integer.BYTES + OutputLimit.utf8Length(pending.owner())
                + Integer.BYTES + OutputLimit.utf8Length(pending.idempotencyKey()) + Long.BYTES
                + Integer.BYTES + length(record.key()) + Integer.BYTES + length(record.value()) + Integer.BYTES;
        for (Header header : record.headers().toArray()) {
            entry += Integer.BYTES + OutputLimit.utf8Length(header.key()) + Integer.BYTES + length(header.value());
        }
        return OutputLimit.sizeOf(Long.BYTES, entry, 0);
    }

    private static byte[] encode(Pending pending) {
        var record = pending.record();
        var bytes = new ByteArrayOutputStream(256 + length(record.key()) + length(record.value()));
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeLong(pending.offset());
            writeText(out, pending.owner());
            writeText(out, pending.idempotencyKey());
            out.writeLong(record.timestamp());
            writeBytes(out, record.key());
            writeBytes(out, record.value());
            Header[] headers = record.headers().toArray();
            out.writeInt(headers.length);
            for (var header : headers) {
                writeText(out, header.key());
                writeBytes(out, header.value());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Pending decode(byte[] data) {
        if (data.length == 0 || data[0] != FORMAT) {
            throw new IllegalStateException("a pending-claim entry of format "
                    + (data.length == 0 ? "(empty)" : data[0])
                    + " instead of " + FORMAT + ": written by another version; reset the application's state"
                    + " (kafka-streams-application-reset) before running this one");
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(data, 1, data.length - 1))) {
            long offset = in.readLong();
            String owner = readText(in);
            String idempotencyKey = readText(in);
            long timestamp = in.readLong();
            byte[] key = readBytes(in);
            byte[] value = readBytes(in);
            var headers = new RecordHeaders();
            for (int i = in.readInt(); i > 0; i--) {
                headers.add(readText(in), readBytes(in));
            }
            return new Pending(offset, owner, idempotencyKey, new Record<>(key, value, timestamp, headers));
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt pending-claim entry", e);
        }
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    /** UTF-8: idempotency keys are well-formed (checked at extraction), and Kafka's header names come as UTF-8. */
    private static void writeText(DataOutputStream out, String text) throws IOException {
        writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
    }

    private static String readText(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
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
