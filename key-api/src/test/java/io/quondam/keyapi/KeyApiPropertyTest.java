package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.store.InMemoryKeyStore;
import java.io.IOException;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Throws random requests, from well-formed to hostile, at the real key-api on the in-memory store: whatever comes in,
 * the answer is a success or a client error, never a server error, and every client error is problem+json. jqwik
 * prints the seed and the smallest failing request it finds.
 */
class KeyApiPropertyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final java.util.concurrent.atomic.AtomicInteger KEYS =
            new java.util.concurrent.atomic.AtomicInteger();
    private static Javalin app;

    @BeforeContainer
    static void startApi() {
        app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("acme=" + HostileRequests.TOKEN)),
                new InMemoryKeyStore(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
    }

    @AfterContainer
    static void stopApi() {
        app.stop();
    }

    @Provide
    Arbitrary<RawRequest> requests() {
        return HostileRequests.any();
    }

    @Property(tries = 800)
    void shouldAnswerAnyRequestWithSuccessOrProblemButNeverServerError(@ForAll("requests") RawRequest request)
            throws IOException {
        var response = RawHttp.send(app.port(), request);
        // Guards the generator: a property over requests that all fail early would prove little.
        Statistics.label("answer").collect(response.status() < 300 ? "success" : "problem")
                .coverage(coverage -> coverage.check("success").percentage(share -> share >= 4));

        // The in-memory store is never unavailable, so not even a 503 is allowed here.
        assertThat(response.status() / 100).as("status class of %s%n answered %s", request, response).isIn(2, 4);
        if (response.status() >= 400) {
            assertProblem(request, response);
        }
    }

    @Property(tries = 200)
    void shouldNeverSucceedOnTenantRoutesWithoutAValidToken(@ForAll("requests") RawRequest request) throws IOException {
        var response = RawHttp.send(app.port(), request);

        if (request.target().startsWith("/v1/") && response.status() < 300) {
            assertThat(HostileRequests.authorized(request)).as("%s%n answered %s", request, response).isTrue();
        }
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<Character> surrogates = Arbitraries.chars().range('\ud7f0', '\ue010');
        Arbitrary<Character> any = Arbitraries.chars().range('\u0020', '\uffff');
        Arbitrary<Character> lookalikes = Arbitraries.of('o', '?', '}', ':', '%');
        return Arbitraries.frequencyOf(Tuple.of(3, surrogates), Tuple.of(1, any), Tuple.of(2, lookalikes))
                .list().ofMinSize(1).ofMaxSize(8)
                .map(chars -> chars.stream().map(String::valueOf).collect(Collectors.joining()));
    }

    /**
     * Owners, fingerprints and legacy shards arrive as JSON, where an escape can make a lone surrogate: such text is
     * refused with 400, and text that is accepted comes back exactly as sent (so two accepted texts never become one).
     */
    @Property(tries = 400)
    void shouldRefuseTextThatIsNotWellFormedAndKeepAcceptedTextExact(@ForAll("texts") String text) throws IOException {
        String escaped = text.chars().mapToObj(c -> String.format("\\u%04x", c)).collect(Collectors.joining());
        boolean wellFormed = text.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF);
        String key = "/v1/keys/prop-" + KEYS.incrementAndGet();

        var claim = RawHttp.send(app.port(), json("PUT", key, "{\"owner\":\"" + escaped + "\",\"fingerprint\":\""
                + escaped + "\"}"));
        var legacy = RawHttp.send(app.port(), json("PUT", "/keys", "{\"shard\":\"" + escaped + "\",\"key\":\"k\"}"));

        Statistics.label("well-formed").collect(wellFormed);
        if (!wellFormed) {
            assertThat(claim.status()).as("claim with owner %s", escaped).isEqualTo(400);
            assertThat(legacy.status()).as("legacy shard %s", escaped).isEqualTo(400);
            return;
        }
        assertThat(claim.status()).as("claim with owner %s: %s", escaped, claim).isEqualTo(201);
        assertThat(JSON.readTree(claim.body()).path("owner").asText()).isEqualTo(text);
        var status = RawHttp.send(app.port(), json("GET", key, null));
        assertThat(JSON.readTree(status.body()).path("owner").asText()).isEqualTo(text);
    }

    private static RawRequest json(String method, String target, String body) {
        var headers = new java.util.ArrayList<RawRequest.Header>();
        headers.add(new RawRequest.Header("Authorization", "Bearer " + HostileRequests.TOKEN));
        if (body != null) {
            headers.add(new RawRequest.Header("Content-Type", "application/json"));
        }
        return new RawRequest(method, target, headers,
                body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void assertProblem(RawRequest request, RawHttp.Response response) throws IOException {
        assertThat(response.header("Content-Type")).as("content type of %s%n answered %s", request, response)
                .hasValueSatisfying(type -> assertThat(type).startsWith(ProblemMapper.CONTENT_TYPE));
        if (request.method().equals("HEAD")) {
            return; // an answer to HEAD has no body
        }
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem).as("problem of %s%n answered %s", request, response).isNotNull();
        assertThat(problem.path("type").asText()).as("type of %s", response).isNotEmpty();
        assertThat(problem.path("title").asText()).as("title of %s", response).isNotEmpty();
        assertThat(problem.path("status").asInt()).as("status in %s", response).isEqualTo(response.status());
        assertThat(response.bodyText()).as("body of %s", response).doesNotContain("Exception").doesNotContain("at io.");
    }
}
