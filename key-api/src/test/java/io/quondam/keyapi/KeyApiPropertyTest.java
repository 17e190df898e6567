package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.store.InMemoryKeyStore;
import java.io.IOException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

    private static Javalin app;

    @BeforeContainer
    static void startApi() {
        app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("acme=" + HostileRequests.TOKEN)), new InMemoryKeyStore(),
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
