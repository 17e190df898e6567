package io.quondam.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The ops endpoints every service shares: metrics text, liveness, readiness, extra JSON routes, GET only. */
class OpsServerTest {
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> send(OpsServer server, String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeMetricsAndHealth() throws Exception {
        var ready = new AtomicBoolean(false);

        try (var server = new OpsServer(0, () -> "quondam_example_total 1.0\n", () -> true, ready::get, Map.of())) {
            var metrics = send(server, "GET", "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("quondam_example_total 1.0");

            assertThat(send(server, "GET", "/health/live").statusCode()).isEqualTo(200);
            assertThat(send(server, "GET", "/health/ready").statusCode()).isEqualTo(503);
            ready.set(true);
            assertThat(send(server, "GET", "/health/ready").body()).isEqualTo("{\"status\":\"UP\"}");
        }
    }

    @Test
    void shouldServeExtraJsonRoutes() throws Exception {
        try (var server = new OpsServer(0, () -> "", () -> true, () -> true,
                Map.of("/payments/summary", () -> new OpsServer.JsonResponse(200, "{\"payments\":4}")))) {
            var response = send(server, "GET", "/payments/summary");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo("{\"payments\":4}");
        }
    }

    @Test
    void shouldRejectOtherMethods() throws Exception {
        try (var server = new OpsServer(0, () -> "", () -> true, () -> true,
                Map.of("/payments/summary", () -> new OpsServer.JsonResponse(200, "{}")))) {
            var health = send(server, "POST", "/health/live");
            assertThat(health.statusCode()).isEqualTo(405);
            assertThat(health.headers().firstValue("Allow")).hasValue("GET");
            assertThat(send(server, "POST", "/payments/summary").statusCode()).isEqualTo(405);
        }
    }
}
