package io.quondam.dedup;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.quondam.store.WellFormedText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Finds a record's idempotency key where the deployment says it is, or says precisely why it cannot. */
public final class IdempotencyKeyExtractor {
    /** Streaming, without building a tree: the whole value is still read, so duplicate fields are refused. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final ProcessorConfig config;

    public IdempotencyKeyExtractor(ProcessorConfig config) {
        this.config = config;
    }

    /** The key of a record with a non-null value. */
    public String extract(byte[] recordKey, byte[] value, Headers headers) throws BadRecordException {
        if (value.length > config.maxValueBytes()) {
            throw new BadRecordException(BadRecordReason.VALUE_TOO_LARGE,
                    "value has " + value.length + " bytes, the limit is " + config.maxValueBytes());
        }
        String key = switch (config.keySource()) {
            case JSON_POINTER -> fromJson(value);
            case HEADER -> fromHeader(headers);
            case RECORD_KEY -> fromRecordKey(recordKey);
        };
        return checked(key);
    }

    private String fromJson(byte[] value) throws BadRecordException {
        validateUtf8(value);
        // RFC 8259: a JSON text must not start with a byte order mark. Jackson would skip it; we refuse it, so that
        // a producer that adds one hears about it before a consumer that does not skip it fails on the record.
        if (value.length >= 3 && (value[0] & 0xFF) == 0xEF && (value[1] & 0xFF) == 0xBB && (value[2] & 0xFF) == 0xBF) {
            throw new BadRecordException(BadRecordReason.MALFORMED_JSON, "value starts with a byte order mark");
        }
        JsonPointerMatch match;
        try (JsonParser parser = JSON.createParser(value)) {
            match = JsonPointerMatch.find(parser, config.keyPointer());
        } catch (JsonProcessingException e) {
            throw new BadRecordException(BadRecordReason.MALFORMED_JSON,
                    "value is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRecordException(BadRecordReason.MALFORMED_JSON, "value is not JSON: " + e.getMessage());
        }
        if (match.empty()) {
            throw new BadRecordException(BadRecordReason.MALFORMED_JSON, "value is empty");
        }
        if (match.type() == null || match.type() == JsonToken.VALUE_NULL) {
            throw new BadRecordException(BadRecordReason.MISSING_KEY, "no idempotency key at " + config.keyPointer());
        }
        if (match.type() != JsonToken.VALUE_STRING) {
            throw new BadRecordException(BadRecordReason.WRONG_KEY_TYPE, "idempotency key at " + config.keyPointer()
                    + " must be a string, found " + JsonPointerMatch.typeName(match.type()));
        }
        return match.text();
    }

    private String fromHeader(Headers headers) throws BadRecordException {
        Header header = null;
        for (Header candidate : headers.headers(config.keyHeader())) {
            if (header != null) {
                throw new BadRecordException(BadRecordReason.AMBIGUOUS_KEY,
                        "header '" + config.keyHeader() + "' occurs more than once");
            }
            header = candidate;
        }
        if (header == null || header.value() == null) {
            throw new BadRecordException(BadRecordReason.MISSING_KEY, "no header '" + config.keyHeader() + "'");
        }
        return decodeUtf8(header.value(), "header '" + config.keyHeader() + "'");
    }

    private static String fromRecordKey(byte[] recordKey) throws BadRecordException {
        if (recordKey == null) {
            throw new BadRecordException(BadRecordReason.MISSING_KEY, "record has no key");
        }
        return decodeUtf8(recordKey, "record key");
    }

    private static String checked(String key) throws BadRecordException {
        if (key.isBlank()) {
            throw new BadRecordException(BadRecordReason.EMPTY_KEY, "idempotency key is empty");
        }
        // Only a JSON escape can make one ("\ud800"); UTF-8 bytes cannot. Redis would get '?' in its place.
        int loneSurrogate = WellFormedText.firstLoneSurrogate(key);
        if (loneSurrogate >= 0) {
            throw new BadRecordException(BadRecordReason.INVALID_KEY, "idempotency key is not well-formed Unicode:"
                    + " a lone surrogate escape at character " + loneSurrogate);
        }
        int bytes = key.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > ProcessorConfig.MAX_KEY_BYTES) {
            throw new BadRecordException(BadRecordReason.KEY_TOO_LONG, "idempotency key has " + bytes
                    + " bytes, the limit is " + ProcessorConfig.MAX_KEY_BYTES);
        }
        return key;
    }

    private static String decodeUtf8(byte[] bytes, String what) throws BadRecordException {
        return decode(bytes, what).toString();
    }

    /**
     * Jackson does not decode the strings it skips, so the whole value is checked here, without building a String.
     * Jackson would also read JSON in UTF-16 or UTF-32 (it guesses from the NUL bytes); a NUL byte never occurs in
     * UTF-8 JSON, so the value is refused instead.
     */
    private static void validateUtf8(byte[] value) throws BadRecordException {
        boolean ascii = true;
        for (byte b : value) {
            if (b == 0) {
                throw new BadRecordException(BadRecordReason.INVALID_UTF8,
                        "value holds NUL bytes: JSON in UTF-16 or UTF-32? The processor reads UTF-8 only");
            }
            ascii &= b > 0;
        }
        if (!ascii) {
            decode(value, "value");
        }
    }

    private static CharBuffer decode(byte[] bytes, String what) throws BadRecordException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new BadRecordException(BadRecordReason.INVALID_UTF8, what + " is not valid UTF-8");
        }
    }
}
