package io.quondam.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PaymentParserTest {

    private final PaymentParser parser = new PaymentParser();

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldParseAWellFormedPayment() {
        var parsed = parser.parse(utf8("""
                {"paymentId":"pay-1","account":"acc-7","amountMinor":1250,"currency":"EUR",
                 "createdAt":"2026-11-26T10:00:00Z"}"""));

        assertThat(parsed).isEqualTo(new ParsedRecord.Valid(
                new Payment("pay-1", "acc-7", 1250, "EUR", Instant.parse("2026-11-26T10:00:00Z"))));
    }

    @Test
    void shouldAcceptAnOffsetTimestampAndUnknownFields() {
        var parsed = parser.parse(utf8("""
                {"paymentId":"pay-2","account":"acc-7","amountMinor":-300,"currency":"USD",
                 "createdAt":"2026-11-26T11:30:00.123+01:00","channel":"web"}"""));

        assertThat(parsed).isInstanceOfSatisfying(ParsedRecord.Valid.class, valid -> {
            assertThat(valid.payment().createdAt()).isEqualTo(Instant.parse("2026-11-26T10:30:00.123Z"));
            assertThat(valid.payment().amountMinor()).isEqualTo(-300);
        });
    }

    static Stream<Arguments> malformedRecords() {
        String valid = "\"account\":\"acc\",\"amountMinor\":1,\"currency\":\"EUR\","
                + "\"createdAt\":\"2026-11-26T10:00:00Z\"";
        return Stream.of(
                Arguments.of("not JSON", "{paymentId: pay-1", QuarantineReason.MALFORMED_JSON, ""),
                Arguments.of("trailing content", "{\"paymentId\":\"p\"," + valid + "} {}",
                        QuarantineReason.MALFORMED_JSON, ""),
                Arguments.of("duplicate field", "{\"paymentId\":\"p\",\"paymentId\":\"q\"," + valid + "}",
                        QuarantineReason.MALFORMED_JSON, "paymentId"),
                Arguments.of("empty value", "", QuarantineReason.MALFORMED_JSON, "empty"),
                Arguments.of("an array", "[1,2]", QuarantineReason.NOT_AN_OBJECT, "array"),
                Arguments.of("a string", "\"pay-1\"", QuarantineReason.NOT_AN_OBJECT, "string"),
                Arguments.of("no paymentId", "{" + valid + "}", QuarantineReason.MISSING_FIELD, "paymentId is missing"),
                Arguments.of("null account", "{\"paymentId\":\"p\",\"account\":null,\"amountMinor\":1,"
                        + "\"currency\":\"EUR\",\"createdAt\":\"2026-11-26T10:00:00Z\"}",
                        QuarantineReason.MISSING_FIELD, "account is missing"),
                Arguments.of("numeric paymentId", "{\"paymentId\":17," + valid + "}", QuarantineReason.WRONG_TYPE,
                        "paymentId must be a string"),
                Arguments.of("string amount", "{\"paymentId\":\"p\",\"account\":\"a\",\"amountMinor\":\"1250\","
                        + "\"currency\":\"EUR\",\"createdAt\":\"2026-11-26T10:00:00Z\"}",
                        QuarantineReason.WRONG_TYPE, "amountMinor"),
                Arguments.of("fractional amount", "{\"paymentId\":\"p\",\"account\":\"a\",\"amountMinor\":12.5,"
                        + "\"currency\":\"EUR\",\"createdAt\":\"2026-11-26T10:00:00Z\"}",
                        QuarantineReason.WRONG_TYPE, "whole number"),
                Arguments.of("amount beyond 64 bits", "{\"paymentId\":\"p\",\"account\":\"a\","
                        + "\"amountMinor\":92233720368547758070,\"currency\":\"EUR\","
                        + "\"createdAt\":\"2026-11-26T10:00:00Z\"}", QuarantineReason.INVALID_VALUE, "64 bits"),
                Arguments.of("blank paymentId", "{\"paymentId\":\" \"," + valid + "}", QuarantineReason.INVALID_VALUE,
                        "paymentId is empty"),
                Arguments.of("paymentId over 255 bytes", "{\"paymentId\":\"" + "x".repeat(256) + "\"," + valid + "}",
                        QuarantineReason.INVALID_VALUE, "255 bytes"),
                Arguments.of("NUL in account", "{\"paymentId\":\"p\",\"account\":\"a\\u0000b\",\"amountMinor\":1,"
                        + "\"currency\":\"EUR\",\"createdAt\":\"2026-11-26T10:00:00Z\"}",
                        QuarantineReason.INVALID_VALUE, "NUL"),
                Arguments.of("lower-case currency", "{\"paymentId\":\"p\",\"account\":\"a\",\"amountMinor\":1,"
                        + "\"currency\":\"eur\",\"createdAt\":\"2026-11-26T10:00:00Z\"}",
                        QuarantineReason.INVALID_VALUE, "currency"),
                Arguments.of("date without offset", "{\"paymentId\":\"p\",\"account\":\"a\",\"amountMinor\":1,"
                        + "\"currency\":\"EUR\",\"createdAt\":\"2026-11-26T10:00:00\"}",
                        QuarantineReason.INVALID_VALUE, "createdAt"),
                Arguments.of("epoch millis date", "{\"paymentId\":\"p\",\"account\":\"a\",\"amountMinor\":1,"
                        + "\"currency\":\"EUR\",\"createdAt\":1764151200000}", QuarantineReason.WRONG_TYPE,
                        "createdAt must be a string"),
                Arguments.of("year 10000", "{\"paymentId\":\"p\",\"account\":\"a\",\"amountMinor\":1,"
                        + "\"currency\":\"EUR\",\"createdAt\":\"+10000-01-01T00:00:00Z\"}",
                        QuarantineReason.INVALID_VALUE, "years 1 to 9999"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRecords")
    void shouldNameTheReasonForEachMalformedKind(String kind, String value, QuarantineReason reason, String detail) {
        var parsed = parser.parse(utf8(value));

        assertThat(parsed).isInstanceOfSatisfying(ParsedRecord.Malformed.class, malformed -> {
            assertThat(malformed.reason()).isEqualTo(reason);
            assertThat(malformed.detail()).contains(detail);
        });
    }

    @Test
    void shouldQuarantineATombstone() {
        assertThat(parser.parse(null))
                .isEqualTo(new ParsedRecord.Malformed(QuarantineReason.TOMBSTONE, "the record has no value"));
    }

    @Test
    void shouldQuarantineBytesThatAreNotUtf8() {
        var parsed = parser.parse(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});

        assertThat(parsed).isInstanceOfSatisfying(ParsedRecord.Malformed.class,
                malformed -> assertThat(malformed.reason()).isEqualTo(QuarantineReason.MALFORMED_JSON));
    }

    @Test
    void shouldStoreReasonsAsHyphenatedCodes() {
        assertThat(QuarantineReason.MALFORMED_JSON.code()).isEqualTo("malformed-json");
        assertThat(QuarantineReason.REJECTED_BY_DATABASE.code()).isEqualTo("rejected-by-database");
    }
}
