package io.quondam.keyapi;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random requests for the key-api, from well-formed to hostile: any method, known routes with odd keys, missing or
 * wrong credentials, odd headers, and bodies from valid JSON to random bytes. Sizes stay bounded so that a thousand
 * requests take seconds.
 */
final class HostileRequests {
    static final String TOKEN = "acme-token";
    /** Spellings of the one valid credential: the scheme is case-insensitive, spaces around the token do not count. */
    static final List<String> VALID_AUTHORIZATIONS = List.of("Bearer " + TOKEN, "bearer " + TOKEN,
            "BEARER   " + TOKEN, "Bearer " + TOKEN + "  ");

    private HostileRequests() {
    }

    static Arbitrary<RawRequest> any() {
        var requestLine = Arbitraries.frequencyOf(
                Tuple.of(6, fittingRequestLines()),
                Tuple.of(4, Combinators.combine(methods(), targets()).as(RequestLine::new)));
        return Combinators.combine(requestLine, authorizations(), idempotencyKeys(), contentTypes(), bodies())
                .as((line, authorization, key, contentType, body) -> {
                    var headers = new ArrayList<RawRequest.Header>();
                    authorization.ifPresent(value -> headers.add(new RawRequest.Header("Authorization", value)));
                    key.ifPresent(value -> headers.add(new RawRequest.Header("Idempotency-Key", value)));
                    contentType.ifPresent(value -> headers.add(new RawRequest.Header("Content-Type", value)));
                    return new RawRequest(line.method(), line.target(), headers, body);
                });
    }

    private record RequestLine(String method, String target) {
    }

    /**
     * A method that the route has, on a key from a small pool, so that requests meet each other's keys: a claim, its
     * completion, a replay, a release.
     */
    private static Arbitrary<RequestLine> fittingRequestLines() {
        var key = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("order-1", "order-2", "zahlung-%C3%BC", "a%2Fb")),
                Tuple.of(2, segments()));
        return Arbitraries.frequencyOf(
                Tuple.of(4, key.map(k -> new RequestLine("PUT", "/v1/keys/" + k))),
                Tuple.of(3, key.map(k -> new RequestLine("PUT", "/v1/keys/" + k + "/result"))),
                Tuple.of(2, key.map(k -> new RequestLine("GET", "/v1/keys/" + k))),
                Tuple.of(2, key.map(k -> new RequestLine("DELETE", "/v1/keys/" + k))),
                Tuple.of(2, Arbitraries.of("PUT", "DELETE").map(method -> new RequestLine(method, "/keys"))),
                Tuple.of(1, Arbitraries.of("/health/live", "/health/ready", "/openapi.json", "/metrics")
                        .map(path -> new RequestLine("GET", path))));
    }

    static boolean authorized(RawRequest request) {
        return request.header("Authorization").filter(VALID_AUTHORIZATIONS::contains).isPresent();
    }

    private static Arbitrary<String> methods() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of("GET", "PUT", "DELETE")),
                Tuple.of(4, Arbitraries.of("POST", "PATCH", "HEAD", "OPTIONS")),
                Tuple.of(1, Arbitraries.of("PROPFIND", "TRACE", "MKCOL", "CONNECT", "get", "BREW")),
                Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)));
    }

    private static Arbitrary<String> targets() {
        var path = Arbitraries.frequencyOf(
                Tuple.of(6, segments().map(key -> "/v1/keys/" + key)),
                Tuple.of(4, segments().map(key -> "/v1/keys/" + key + "/result")),
                Tuple.of(2, Arbitraries.of("/keys", "/v1/keys", "/v1/keys/", "/v1/keys//result", "/v1/keys/a/result/x",
                        "/", "/v1", "/health/live", "/health/ready", "/openapi.json", "/metrics", "/v1/keys/../keys",
                        "/v1/keys/%2e%2e/result", "/v1/../../etc/passwd", "//v1/keys/a", "*")),
                Tuple.of(2, segments().list().ofMaxSize(5).map(parts -> "/" + String.join("/", parts))));
        var query = Arbitraries.strings().withCharRange('!', '~').excludeChars('#').ofMaxLength(30).map(q -> "?" + q)
                .optional(0.2);
        return Combinators.combine(path, query).as((p, q) -> p + q.orElse(""));
    }

    /** A path segment: plain, percent-encoded bytes or Unicode, raw Unicode, dot segments, broken escapes, long. */
    private static Arbitrary<String> segments() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.strings().withCharRange('a', 'z').withChars("0123456789-_.")
                        .ofMinLength(1).ofMaxLength(30)),
                Tuple.of(2, Arbitraries.bytes().list().ofMinSize(1).ofMaxSize(40).map(HostileRequests::percentEncoded)),
                Tuple.of(2, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20)
                        .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"))),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u00a1', '\ud7ff').ofMinLength(1).ofMaxLength(10)),
                Tuple.of(1, Arbitraries.of("", ".", "..", "%2e%2e", "%2F", "%00", "%", "%zz", "%C3", "%C3%28",
                        "%ED%A0%80", "%F0%9F%99%82", "a%0Db", ";", ";a=b", "a;b", "%3B", "~", "+", "%25", "\\", "%5C")),
                Tuple.of(1, Arbitraries.integers().between(200, 9000).map("k"::repeat)));
    }

    private static String percentEncoded(List<Byte> bytes) {
        return bytes.stream().map(b -> "%" + HexFormat.of().withUpperCase().toHexDigits(b))
                .collect(Collectors.joining());
    }

    private static Arbitrary<Optional<String>> authorizations() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.of(VALID_AUTHORIZATIONS).map(Optional::of)),
                Tuple.of(1, Arbitraries.just(Optional.empty())),
                Tuple.of(2, Arbitraries.of("Bearer wrong-token", "Bearer", "Bearer ", "Basic YWNtZTp0b2tlbg==",
                        "Bearer " + TOKEN + " extra", "Token " + TOKEN, TOKEN, "Bearer\t" + TOKEN).map(Optional::of)),
                Tuple.of(1, printable(0, 80).map(Optional::of)),
                Tuple.of(1, Arbitraries.integers().between(1000, 12_000)
                        .map(n -> Optional.of("Bearer " + "t".repeat(n)))));
    }

    private static Arbitrary<Optional<String>> idempotencyKeys() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(Optional.empty())),
                Tuple.of(4, printable(0, 60).map(Optional::of)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u00a0', '\u07ff').ofMaxLength(20).map(Optional::of)),
                Tuple.of(1, Arbitraries.integers().between(1000, 12_000).map(n -> Optional.of("k".repeat(n)))));
    }

    private static Arbitrary<Optional<String>> contentTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just(Optional.of("application/json"))),
                Tuple.of(3, Arbitraries.just(Optional.empty())),
                Tuple.of(3, Arbitraries.of("application/json; charset=utf-8", "APPLICATION/JSON",
                        "application/problem+json",
                        "application/vnd.acme+json", "text/plain", "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x", "", ";", "application/json;;;", "*/*", "json")
                        .map(Optional::of)),
                Tuple.of(1, printable(0, 60).map(Optional::of)));
    }

    /** Printable ASCII: what a header value may hold without ending the header. */
    private static Arbitrary<String> printable(int min, int max) {
        return Arbitraries.strings().withCharRange(' ', '~').ofMinLength(min).ofMaxLength(max);
    }

    private static Arbitrary<byte[]> bodies() {
        var text = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just("")),
                Tuple.of(6, wellFormedBodies()),
                Tuple.of(3, keyRequestBodies()),
                Tuple.of(2, json(3)),
                Tuple.of(2, invalidJson()),
                Tuple.of(1, deeplyNested()),
                Tuple.of(1, hugeStrings()));
        return Arbitraries.frequencyOf(
                Tuple.of(15, text.map(t -> t.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, Arbitraries.bytes().list().ofMinSize(1).ofMaxSize(2000).map(HostileRequests::bytes)));
    }

    private static byte[] bytes(List<Byte> list) {
        byte[] result = new byte[list.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = list.get(i);
        }
        return result;
    }

    /** Bodies that the routes accept, with owners, fingerprints and legacy keys from small pools. */
    private static Arbitrary<String> wellFormedBodies() {
        return Combinators.combine(
                        Arbitraries.of("req-1", "req-2").map(o -> "\"owner\":" + quote(o)).optional(0.8),
                        Arbitraries.of("fp-1", "fp-2").map(f -> "\"fingerprint\":" + quote(f)).optional(0.3),
                        Arbitraries.integers().between(1, 604_800).map(t -> "\"ttlSeconds\":" + t).optional(0.3),
                        json(2).map(r -> "\"response\":" + r).optional(0.5),
                        Arbitraries.of("s1", "s2").map(s -> "\"shard\":" + quote(s)).optional(0.3),
                        Arbitraries.of("k1", "k2").map(k -> "\"key\":" + quote(k)).optional(0.3))
                .as((owner, fingerprint, ttl, response, shard, key) ->
                        Stream.of(owner, fingerprint, ttl, response, shard, key)
                        .flatMap(Optional::stream).collect(Collectors.joining(",", "{", "}")));
    }

    /** Objects with the fields the routes read (owner, fingerprint, ttlSeconds, response, shard, key), of any type. */
    private static Arbitrary<String> keyRequestBodies() {
        var name = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of("owner", "fingerprint", "ttlSeconds", "response", "shard", "key")),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(10)));
        var field = Combinators.combine(name, json(2)).as((n, v) -> quote(n) + ":" + v);
        return field.list().ofMaxSize(6).map(fields -> "{" + String.join(",", fields) + "}");
    }

    /** Any JSON text, nested up to {@code depth}, with the numbers that trip parsers and range checks. */
    private static Arbitrary<String> json(int depth) {
        var scalar = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40).map(HostileRequests::quote)),
                Tuple.of(2, Arbitraries.of("0", "-0", "1", "-1", "60", "604800", "604801", "9223372036854775807",
                        "9223372036854775808", "99999999999999999999", "1e999", "-1e-999", "1.5", "1E2", "0.0")),
                Tuple.of(1, Arbitraries.integers().map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("true", "false", "null")));
        if (depth == 0) {
            return scalar;
        }
        var inner = json(depth - 1);
        var array = inner.list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]");
        var object = Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(8), inner)
                .as((n, v) -> quote(n) + ":" + v).list().ofMaxSize(4)
                .map(fields -> "{" + String.join(",", fields) + "}");
        return Arbitraries.frequencyOf(Tuple.of(4, scalar), Tuple.of(1, array), Tuple.of(1, object));
    }

    private static Arbitrary<String> invalidJson() {
        var truncated = keyRequestBodies().filter(text -> text.length() > 2)
                .flatMap(text -> Arbitraries.integers().between(1, text.length() - 1).map(at -> text.substring(0, at)));
        var broken = Arbitraries.of("{", "}", "[", "{\"owner\":", "{\"owner\" \"a\"}", "{'owner':'a'}", "{\"a\":1,}",
                "{\"a\":01}", "{\"a\":NaN}", "nul", "{} {}", "{\"a\":\"\\x\"}", "\uFEFF{}", "{\"a\":\"\u0001\"}",
                "/*c*/{}");
        return Arbitraries.oneOf(truncated, broken);
    }

    /** Nesting around and far past Jackson's depth limit of 1000, in a completion's response, closed or not. */
    private static Arbitrary<String> deeplyNested() {
        var depths = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.integers().between(995, 1005)),
                Tuple.of(1, Arbitraries.integers().between(1, 20_000)));
        return depths.flatMap(depth -> Arbitraries.of(
                "[".repeat(depth) + "]".repeat(depth),
                "{\"owner\":\"req-1\",\"response\":" + "[".repeat(depth) + "]".repeat(depth) + "}",
                "{\"owner\":\"req-1\",\"response\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + "}",
                "{\"response\":" + "[".repeat(depth)));
    }

    /** Strings up to well past the 64 KiB body limit, in the fields that have their own length limits. */
    private static Arbitrary<String> hugeStrings() {
        return Combinators.combine(Arbitraries.of("owner", "fingerprint", "response", "key"),
                        Arbitraries.integers().between(0, 100_000))
                .as((field, length) -> "{\"owner\":\"o\",\"" + field + "\":\"" + "x".repeat(length) + "\"}");
    }

    private static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }
}
