package io.quondam.payments;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Turns a record value into a {@link Payment} or a quarantine reason. Anything it accepts must also be accepted by
 * PostgreSQL, or one record would fail its whole batch again and again: hence the checks on NUL characters, key
 * length and the year of {@code createdAt}.
 */
public final class PaymentParser {

    /** Longer keys do not fit a B-tree index entry comfortably; the dedup-processor refuses them too. */
    static final int MAX_ID_BYTES = 255;
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
    private static final int MAX_DETAIL_LENGTH = 300;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    public ParsedRecord parse(byte[] value) {
        if (value == null) {
            return new ParsedRecord.Malformed(QuarantineReason.TOMBSTONE, "the record has no value");
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (JacksonException e) {
            return new ParsedRecord.Malformed(QuarantineReason.MALFORMED_JSON, shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            return new ParsedRecord.Malformed(QuarantineReason.MALFORMED_JSON, shorten(e.getMessage()));
        }
        if (root == null || root.isMissingNode()) {
            return new ParsedRecord.Malformed(QuarantineReason.MALFORMED_JSON, "the value is empty");
        }
        if (!root.isObject()) {
            return new ParsedRecord.Malformed(QuarantineReason.NOT_AN_OBJECT,
                    "the value is a JSON " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        try {
            var payment = new Payment(
                    identifier(root, "paymentId"),
                    identifier(root, "account"),
                    amount(root),
                    currency(root),
                    createdAt(root));
            return new ParsedRecord.Valid(payment);
        } catch (FieldProblem problem) {
            return new ParsedRecord.Malformed(problem.reason, problem.getMessage());
        }
    }

    private static JsonNode field(JsonNode root, String name) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            throw new FieldProblem(QuarantineReason.MISSING_FIELD, name + " is missing");
        }
        return node;
    }

    private static String text(JsonNode root, String name) {
        JsonNode node = field(root, name);
        if (!node.isTextual()) {
            throw new FieldProblem(QuarantineReason.WRONG_TYPE, name + " must be a string, not a "
                    + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        String text = node.textValue();
        if (text.indexOf('\0') >= 0) {
            throw new FieldProblem(QuarantineReason.INVALID_VALUE, name + " contains a NUL character");
        }
        return text;
    }

    private static String identifier(JsonNode root, String name) {
        String text = text(root, name);
        if (text.isBlank()) {
            throw new FieldProblem(QuarantineReason.INVALID_VALUE, name + " is empty");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            throw new FieldProblem(QuarantineReason.INVALID_VALUE, name + " is longer than " + MAX_ID_BYTES
                    + " bytes");
        }
        return text;
    }

    private static long amount(JsonNode root) {
        JsonNode node = field(root, "amountMinor");
        if (!node.isIntegralNumber()) {
            throw new FieldProblem(QuarantineReason.WRONG_TYPE, "amountMinor must be a whole number of minor units");
        }
        if (!node.canConvertToLong()) {
            throw new FieldProblem(QuarantineReason.INVALID_VALUE, "amountMinor does not fit in 64 bits");
        }
        return node.longValue();
    }

    private static String currency(JsonNode root) {
        String currency = text(root, "currency");
        if (!CURRENCY.matcher(currency).matches()) {
            throw new FieldProblem(QuarantineReason.INVALID_VALUE,
                    "currency must be three upper-case letters (ISO 4217)");
        }
        return currency;
    }

    private static Instant createdAt(JsonNode root) {
        String text = text(root, "createdAt");
        OffsetDateTime time;
        try {
            time = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new FieldProblem(QuarantineReason.INVALID_VALUE,
                    "createdAt is not an ISO-8601 date-time with offset (example: 2026-11-26T10:00:00Z)");
        }
        // PostgreSQL reads years 1 to 9999 in this form; others would fail the whole batch.
        int year = time.withOffsetSameInstant(java.time.ZoneOffset.UTC).getYear();
        if (year < 1 || year > 9999) {
            throw new FieldProblem(QuarantineReason.INVALID_VALUE, "createdAt is outside the years 1 to 9999");
        }
        return time.toInstant();
    }

    private static String shorten(String message) {
        String text = message == null ? "unreadable JSON" : message.replaceAll("\\s+", " ");
        return text.length() <= MAX_DETAIL_LENGTH ? text : text.substring(0, MAX_DETAIL_LENGTH) + "...";
    }

    /** A field check failed; thrown and caught within the parser only. */
    private static final class FieldProblem extends RuntimeException {
        private final QuarantineReason reason;

        FieldProblem(QuarantineReason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }
}
