package io.quondam.dedup;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The dead letter of a record: the original with headers that tell an operator why it was dead-lettered and where it
 * came from. A dead letter that would exceed the producer's limit is cut down until it fits: first its value, then
 * the original headers, then its key, saying so in {@link #DROPPED} and {@link #ORIGINAL_SIZE}; the source
 * coordinates still lead to the whole record.
 */
public final class DeadLetters {
    public static final String ERROR_CLASS = "quondam.error.class";
    public static final String ERROR_MESSAGE = "quondam.error.message";
    public static final String SOURCE_TOPIC = "quondam.source.topic";
    public static final String SOURCE_PARTITION = "quondam.source.partition";
    public static final String SOURCE_OFFSET = "quondam.source.offset";
    /** What was left out to fit: {@code value}, {@code value,headers} or {@code value,headers,key}. */
    public static final String DROPPED = "quondam.dropped";
    /** The size in bytes, as the producer counts it, of the dead letter that did not fit. */
    public static final String ORIGINAL_SIZE = "quondam.original.size";
    /** Error messages are cut to this many characters, so that the reason itself always fits. */
    private static final int MAX_MESSAGE_CHARS = 1000;

    /** Where a record was read: its input topic, partition and offset. */
    record Source(String topic, int partition, long offset) {
        static Source of(RecordMetadata metadata) {
            return new Source(metadata.topic(), metadata.partition(), metadata.offset());
        }
    }

    private DeadLetters() {
    }

    /** The dead letter of {@code original}, which failed with {@code error}, as large as {@code limit} allows. */
    static Record<byte[], byte[]> of(Record<byte[], byte[]> original, BadRecordException error, Source source,
                                     OutputLimit limit) {
        var whole = original.withHeaders(withReason(original.headers(), error, source));
        if (limit.fits(whole)) {
            return whole;
        }
        String size = Integer.toString(OutputLimit.sizeOf(whole));
        var noValue = original.withValue((byte[]) null)
                .withHeaders(trimmed(original.headers(), error, source, "value", size));
        if (limit.fits(noValue)) {
            return noValue;
        }
        var noHeaders = noValue.withHeaders(trimmed(new RecordHeaders(), error, source, "value,headers", size));
        if (limit.fits(noHeaders)) {
            return noHeaders;
        }
        return noHeaders.withKey((byte[]) null)
                .withHeaders(trimmed(new RecordHeaders(), error, source, "value,headers,key", size));
    }

    private static Headers trimmed(Headers kept, BadRecordException error, Source source, String dropped, String size) {
        var headers = withReason(kept, error, source);
        headers.add(DROPPED, bytes(dropped));
        headers.add(ORIGINAL_SIZE, bytes(size));
        return headers;
    }

    private static Headers withReason(Headers original, BadRecordException error, Source source) {
        var headers = new RecordHeaders(original.toArray());
        String message = error.getMessage();
        headers.add(ERROR_CLASS, bytes(error.reason().code()));
        headers.add(ERROR_MESSAGE, bytes(message.length() > MAX_MESSAGE_CHARS
                ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message));
        headers.add(SOURCE_TOPIC, bytes(source.topic()));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(source.partition())));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(source.offset())));
        return headers;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
