package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.store.InMemoryKeyStore;
import io.quondam.store.KeyStore;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every status code of the key API, each bad input, the legacy routes and tenant isolation, on the in-memory store. */
class KeyApiTest {
    private static final String ACME = "acme-token";
    private static final String GLOBEX = "globex-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Javalin app;
    private ApiClient client;

    @BeforeEach
    void startApi() {
        start(new InMemoryKeyStore());
    }

    private void start(KeyStore store) {
        start(store, KeyApiConfig.LegacyAuth.NONE);
    }

    private void start(KeyStore store, KeyApiConfig.LegacyAuth legacyAuth) {
        if (app != null) {
            app.stop();
        }
        // globex's token is configured by its digest, as an operator who keeps no plain tokens would.
        var tokens = TenantTokens.of("acme=" + ACME + ",globex=sha256:"
                + java.util.HexFormat.of().formatHex(TenantTokens.sha256(GLOBEX)));
        app = KeyApi.create(KeyApiConfig.forTests(tokens, legacyAuth), store,
                        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .start("127.0.0.1", 0);
        client = new ApiClient(app.port());
    }

    @AfterEach
    void stopApi() {
        app.stop();
    }

    private HttpResponse<String> put(String path, String token, String body) {
        return client.json("PUT", path, token, body);
    }

    private static JsonNode body(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    private static void assertProblem(HttpResponse<String> response, int status) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        var problem = body(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).isNotEmpty();
        assertThat(problem.get("title").asText()).isNotEmpty();
        assertThat(problem.get("detail").asText()).isNotEmpty();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void shouldClaimNewKeyWith201AndLocation() throws Exception {
        var response = put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\",\"ttlSeconds\":60}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Location")).contains("/v1/keys/order-1");
        var claimed = body(response);
        assertThat(claimed.get("key").asText()).isEqualTo("order-1");
        assertThat(claimed.get("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(claimed.get("owner").asText()).isEqualTo("req-1");
        assertThat(java.time.Instant.parse(claimed.get("expiresAt").asText()))
                .isBetween(java.time.Instant.now().plusSeconds(50), java.time.Instant.now().plusSeconds(61));
    }

    @Test
    void shouldGenerateOwnerWhenNoBodyIsSent() throws Exception {
        var response = client.send("PUT", "/v1/keys/order-1", ACME, null, null);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(body(response).get("owner").asText()).isNotBlank();
    }

    @Test
    void shouldAnswerRetriedClaimOfSameOwnerWith200() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\"}");

        var again = put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\"}");

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(body(again).get("status").asText()).isEqualTo("IN_PROGRESS");
    }

    @Test
    void shouldAnswerClaimOfAnotherOwnerWith409() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\"}");

        assertProblem(put("/v1/keys/order-1", ACME, "{\"owner\":\"req-2\"}"), 409);
    }

    @Test
    void shouldReplayStoredResponseOfCompletedKey() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\",\"fingerprint\":\"fp-1\"}");
        var completed = put("/v1/keys/order-1/result", ACME,
                "{\"owner\":\"req-1\",\"response\":{\"paymentId\":\"p-9\",\"amount\":100}}");
        assertThat(completed.statusCode()).isEqualTo(200);
        assertThat(body(completed).get("status").asText()).isEqualTo("COMPLETED");

        for (String retry : new String[] {"{\"owner\":\"req-2\",\"fingerprint\":\"fp-1\"}", "{\"owner\":\"req-3\"}"}) {
            var replay = put("/v1/keys/order-1", ACME, retry);

            assertThat(replay.statusCode()).isEqualTo(200);
            assertThat(body(replay).get("status").asText()).isEqualTo("COMPLETED");
            assertThat(body(replay).get("response")).isEqualTo(JSON.readTree("{\"paymentId\":\"p-9\",\"amount\":100}"));
        }
    }

    @Test
    void shouldAnswerDifferentFingerprintOfCompletedKeyWith422() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\",\"fingerprint\":\"fp-1\"}");
        put("/v1/keys/order-1/result", ACME, "{\"owner\":\"req-1\",\"response\":\"ok\"}");

        assertProblem(put("/v1/keys/order-1", ACME, "{\"owner\":\"req-2\",\"fingerprint\":\"fp-2\"}"), 422);
    }

    @Test
    void shouldAnswerCompletionByAnotherOwnerWith409AndOfUnknownKeyWith404() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\"}");

        assertProblem(put("/v1/keys/order-1/result", ACME, "{\"owner\":\"req-2\",\"response\":1}"), 409);
        assertProblem(put("/v1/keys/unknown/result", ACME, "{\"owner\":\"req-1\",\"response\":1}"), 404);
    }

    /** A retry must see the first result: a second completion may repeat it (200) but never replace it (409). */
    @Test
    void shouldAcceptAnIdenticalSecondCompletionAndRefuseADifferentOne() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\"}");
        put("/v1/keys/order-1/result", ACME, "{\"owner\":\"req-1\",\"response\":{\"a\":1,\"b\":[2]}}");

        var repeated = put("/v1/keys/order-1/result", ACME,
                "{\"owner\":\"req-1\",\"response\":{\"a\":1, \"b\":[ 2 ]}}");
        assertThat(repeated.statusCode()).isEqualTo(200);
        assertProblem(put("/v1/keys/order-1/result", ACME, "{\"owner\":\"req-1\",\"response\":{\"a\":2}}"), 409);

        var replay = put("/v1/keys/order-1", ACME, "{\"owner\":\"req-2\"}");
        assertThat(body(replay).get("response")).isEqualTo(JSON.readTree("{\"a\":1,\"b\":[2]}"));
    }

    @Test
    void shouldRejectCompletionWithoutOwnerOrResponse() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\"}");

        assertProblem(put("/v1/keys/order-1/result", ACME, "{\"response\":1}"), 400);
        assertProblem(put("/v1/keys/order-1/result", ACME, "{\"owner\":\"req-1\"}"), 400);
        assertProblem(client.send("PUT", "/v1/keys/order-1/result", ACME, null, null), 400);
    }

    @Test
    void shouldReportStatusOrAnswer404() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\"}");

        var status = client.json("GET", "/v1/keys/order-1", ACME, null);

        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(body(status).get("owner").asText()).isEqualTo("req-1");
        assertThat(body(status).get("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(body(status).has("expiresAt")).isTrue();
        assertProblem(client.json("GET", "/v1/keys/unknown", ACME, null), 404);
    }

    @Test
    void shouldReleaseKeyWith204SoThatItCanBeClaimedAgain() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"req-1\"}");

        var released = client.json("DELETE", "/v1/keys/order-1", ACME, null);

        assertThat(released.statusCode()).isEqualTo(204);
        assertThat(released.body()).isEmpty();
        assertProblem(client.json("DELETE", "/v1/keys/order-1", ACME, null), 404);
        assertThat(put("/v1/keys/order-1", ACME, "{\"owner\":\"req-2\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void shouldAnswerMissingOrUnknownTokenWith401() throws Exception {
        var missing = put("/v1/keys/order-1", null, "{}");
        assertProblem(missing, 401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertProblem(put("/v1/keys/order-1", "wrong-token", "{}"), 401);
        assertProblem(client.send("GET", "/v1/keys/order-1", null, null, null), 401);
        var basic = client.send("GET", "/v1/keys/order-1", null, null, null);
        assertThat(basic.statusCode()).isEqualTo(401);
    }

    @Test
    void shouldKeepTenantsApart() throws Exception {
        put("/v1/keys/order-1", ACME, "{\"owner\":\"acme-req\"}");

        assertProblem(client.json("GET", "/v1/keys/order-1", GLOBEX, null), 404);
        assertProblem(client.json("DELETE", "/v1/keys/order-1", GLOBEX, null), 404);
        assertThat(put("/v1/keys/order-1", GLOBEX, "{\"owner\":\"globex-req\"}").statusCode()).isEqualTo(201);
        assertThat(body(client.json("GET", "/v1/keys/order-1", ACME, null)).get("owner").asText())
                .isEqualTo("acme-req");
    }

    @Test
    void shouldRejectKeyOver255BytesWith400() throws Exception {
        String ok = "k".repeat(255);
        String tooLong = "é".repeat(128); // 256 bytes of UTF-8

        assertThat(put("/v1/keys/" + ok, ACME, "{}").statusCode()).isEqualTo(201);
        assertProblem(put("/v1/keys/" + java.net.URLEncoder.encode(tooLong, java.nio.charset.StandardCharsets.UTF_8),
                ACME, "{}"), 400);
    }

    @Test
    void shouldRejectKeyWithControlCharactersWith400() throws Exception {
        assertProblem(put("/v1/keys/bad%01key", ACME, "{}"), 400);
        assertProblem(put("/v1/keys/bad%0Akey", ACME, "{}"), 400);
    }

    @Test
    void shouldAcceptUnicodeKeys() throws Exception {
        var response = put("/v1/keys/zahlung-%C3%BC-%F0%9F%99%82", ACME, "{}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(body(response).get("key").asText()).isEqualTo("zahlung-ü-🙂");
    }

    @Test
    void shouldRejectMalformedJsonWith400() throws Exception {
        assertProblem(put("/v1/keys/order-1", ACME, "{\"owner\":"), 400);
        assertProblem(put("/v1/keys/order-1", ACME, "[1,2]"), 400);
        assertProblem(put("/v1/keys/order-1", ACME, "{\"owner\":42}"), 400);
    }

    @Test
    void shouldRejectBadTtlWith400() throws Exception {
        for (String ttl : new String[] {"-1", "0", "\"60\"", "1.5", "604801", "99999999999999999999"}) {
            assertProblem(put("/v1/keys/order-1", ACME, "{\"ttlSeconds\":" + ttl + "}"), 400);
        }
        assertThat(put("/v1/keys/order-1", ACME, "{\"ttlSeconds\":604800}").statusCode()).isEqualTo(201);
    }

    @Test
    void shouldRejectBodyOver64KiBWith413() throws Exception {
        String big = "{\"owner\":\"req-1\",\"response\":\"" + "x".repeat(70 * 1024) + "\"}";

        assertProblem(put("/v1/keys/order-1/result", ACME, big), 413);
    }

    @Test
    void shouldRejectBodyThatIsNotJsonWith415() throws Exception {
        assertProblem(client.send("PUT", "/v1/keys/order-1", ACME, "text/plain", "owner=req-1"), 415);
        assertProblem(client.send("PUT", "/v1/keys/order-1", ACME, null, "{\"owner\":\"req-1\"}"), 415);
    }

    @Test
    void shouldAnswerWrongMethodWith405AndUnknownRouteWith404() throws Exception {
        assertProblem(client.json("POST", "/v1/keys/order-1", ACME, "{}"), 405);
        assertProblem(client.json("GET", "/v2/nothing", ACME, null), 404);
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenStoreIsUnavailable() throws Exception {
        start(new UnavailableKeyStore());

        var response = put("/v1/keys/order-1", ACME, "{}");

        assertProblem(response, 503);
        assertThat(response.headers().firstValue("Retry-After")).contains("2");
        assertThat(response.body()).doesNotContain("Connection refused");
        assertThat(client.json("GET", "/health/ready", null, null).statusCode()).isEqualTo(503);
        assertThat(client.json("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRegisterAndConsumeKeysOnLegacyRoutes() throws Exception {
        String key = "{\"shard\":\"s1\",\"key\":\"abc\"}";

        assertThat(client.json("PUT", "/keys", null, key).statusCode()).isEqualTo(201);
        var first = client.json("DELETE", "/keys", null, key);
        var second = client.json("DELETE", "/keys", null, key);
        var never = client.json("DELETE", "/keys", null, "{\"shard\":\"s1\",\"key\":\"never\"}");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(body(first).get("claimed").asBoolean()).isTrue();
        assertThat(body(second).get("claimed").asBoolean()).isFalse();
        assertThat(body(never).get("claimed").asBoolean()).isFalse();
    }

    @Test
    void shouldRejectLegacyBodyWithoutShardOrKey() throws Exception {
        assertProblem(client.json("PUT", "/keys", null, "{\"key\":\"abc\"}"), 400);
        assertProblem(client.json("DELETE", "/keys", null, "{\"shard\":\"s1\"}"), 400);
        assertProblem(client.json("PUT", "/keys", null, "not json"), 400);
    }

    @Test
    void shouldRequireTokenOnLegacyRoutesWhenConfiguredAndKeepTenantsShardsApart() throws Exception {
        start(new InMemoryKeyStore(), KeyApiConfig.LegacyAuth.BEARER);
        String key = "{\"shard\":\"s1\",\"key\":\"k1\"}";

        assertProblem(client.json("PUT", "/keys", null, key), 401);
        assertProblem(client.json("DELETE", "/keys", "wrong", key), 401);
        assertThat(client.json("PUT", "/keys", ACME, key).statusCode()).isEqualTo(201);
        assertThat(body(client.json("DELETE", "/keys", GLOBEX, key)).get("claimed").asBoolean()).isFalse();
        assertThat(body(client.json("DELETE", "/keys", ACME, key)).get("claimed").asBoolean()).isTrue();
    }

    @Test
    void shouldAnswerPathThatIsNotUtf8With400Problem() throws Exception {
        assertProblem(put("/v1/keys/%FF%FE", ACME, "{}"), 400);
        assertProblem(client.json("GET", "/v1/keys/%C3%28", ACME, null), 400);
    }

    @Test
    void shouldServeHealthAndPrometheusMetrics() throws Exception {
        put("/v1/keys/order-1", ACME, "{}");

        assertThat(client.json("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(client.json("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
        var metrics = client.json("GET", "/metrics", null, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("quondam_api_claims_total")
                .contains("quondam_http_requests_seconds{route=\"/v1/keys/{key}\",status=\"201\",quantile=\"0.99\"}");
    }

    @Test
    void shouldAcceptPercentEncodedSlashAndSpaceInKey() throws Exception {
        var slash = put("/v1/keys/a%2Fb", ACME, "{}");
        var space = put("/v1/keys/a%20b", ACME, "{}");

        assertThat(slash.statusCode()).isEqualTo(201);
        assertThat(body(slash).get("key").asText()).isEqualTo("a/b");
        assertThat(slash.headers().firstValue("Location")).contains("/v1/keys/a%2Fb");
        assertThat(body(space).get("key").asText()).isEqualTo("a b");
        assertThat(client.json("GET", "/v1/keys/a%2Fb", ACME, null).statusCode()).isEqualTo(200);
    }
}
