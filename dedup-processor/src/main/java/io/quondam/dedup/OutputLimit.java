package io.quondam.dedup;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The largest record the processor's producer sends, counted as the producer counts it before it refuses a record
 * with {@code RecordTooLargeException}: a record batch of one record (v2 format), at most {@code max.request.size}
 * and {@code buffer.memory}. Every copy the processor writes is checked against it first, because a copy that the
 * producer refuses fails the stream thread, and its replacement fails again on the same record.
 */
final class OutputLimit {
    /** The v2 record batch header. */
    private static final int BATCH_OVERHEAD = 61;
    /** A record's length, attributes, timestamp delta and offset delta, each at its largest encoding. */
    private static final int RECORD_OVERHEAD = 21;

    private final int maxBytes;

    OutputLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * The limit of a producer configured with {@code overrides} (Kafka Streams properties: {@code producer.*} first,
     * then the unprefixed name, then the producer's default).
     */
    static OutputLimit of(Map<String, String> overrides) {
        long maxRequest = producerSetting(overrides, ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        long bufferMemory = producerSetting(overrides, ProducerConfig.BUFFER_MEMORY_CONFIG);
        return new OutputLimit((int) Math.min(Integer.MAX_VALUE, Math.min(maxRequest, bufferMemory)));
    }

    private static long producerSetting(Map<String, String> overrides, String name) {
        String value = overrides.getOrDefault("producer." + name, overrides.get(name));
        if (value == null) {
            return ((Number) ProducerConfig.configDef().defaultValues().get(name)).longValue();
        }
        return Long.parseLong(value.trim());
    }

    int maxBytes() {
        return maxBytes;
    }

    boolean fits(Record<byte[], byte[]> record) {
        return sizeOf(record) <= maxBytes;
    }

    /** The size the producer computes for {@code record} alone in a batch, without compression. */
    static int sizeOf(Record<byte[], byte[]> record) {
        Header[] headers = record.headers().toArray();
        long headerBytes = 0;
        for (Header header : headers) {
            headerBytes += sizeOfField(utf8Length(header.key())) + sizeOfField(length(header.value()));
        }
        return sizeOf(length(record.key()), length(record.value()), headers.length, headerBytes);
    }

    /** The size of a record with a key and a value of these lengths (-1 for null) and no headers. */
    static int sizeOf(long keyLength, long valueLength, int headerCount) {
        return sizeOf(keyLength, valueLength, headerCount, 0);
    }

    private static int sizeOf(long keyLength, long valueLength, int headerCount, long headerBytes) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD + sizeOfField(keyLength) + sizeOfField(valueLength)
                + varintSize(headerCount) + headerBytes;
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** The bytes of {@code text} in UTF-8, counted without encoding it (a lone surrogate counts as '?'). */
    static int utf8Length(String text) {
        int bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x800) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length()
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2; // 4 bytes for the pair's 2 chars
                    i++;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                }
            } else if (c >= 0x80) {
                bytes += 1;
            }
        }
        return bytes;
    }

    private static long length(byte[] bytes) {
        return bytes == null ? -1 : bytes.length;
    }

    /** A length-prefixed field: the zig-zag varint of its length (-1 for null), then its bytes. */
    private static long sizeOfField(long length) {
        return length < 0 ? varintSize(-1) : varintSize((int) Math.min(Integer.MAX_VALUE, length)) + length;
    }

    private static int varintSize(int value) {
        int zigZag = (value << 1) ^ (value >> 31);
        int bytes = 1;
        while ((zigZag & 0xFFFFFF80) != 0) {
            bytes++;
            zigZag >>>= 7;
        }
        return bytes;
    }
}
