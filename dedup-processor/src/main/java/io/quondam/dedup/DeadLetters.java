package io.quondam.dedup;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** The headers that tell an operator why a record was dead-lettered and where it came from. */
public final class DeadLetters {
    public static final String ERROR_CLASS = "quondam.error.class";
    public static final String ERROR_MESSAGE = "quondam.error.message";
    public static final String SOURCE_TOPIC = "quondam.source.topic";
    public static final String SOURCE_PARTITION = "quondam.source.partition";
    public static final String SOURCE_OFFSET = "quondam.source.offset";

    private DeadLetters() {
    }

    /** The original headers plus the reason and the source coordinates. */
    static Headers headers(Headers original, BadRecordException error, RecordMetadata source) {
        var headers = new RecordHeaders(original.toArray());
        headers.add(ERROR_CLASS, bytes(error.reason().code()));
        headers.add(ERROR_MESSAGE, bytes(error.getMessage()));
        headers.add(SOURCE_TOPIC, bytes(source.topic()));
        headers.add(SOURCE_PARTITION, bytes(Integer.toString(source.partition())));
        headers.add(SOURCE_OFFSET, bytes(Long.toString(source.offset())));
        return headers;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
