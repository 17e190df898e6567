package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.ops.OpsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The processor's meters on its ops port; the endpoints themselves are tested with {@code OpsServer} in service-common.
 */
class OpsServerTest {
    private final HttpClient client = HttpClient.newHttpClient();

    private HttpResponse<String> get(OpsServer server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheProcessorMetricsInPrometheusFormat() throws Exception {
        var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new DedupMetrics(registry).record(DedupMetrics.Outcome.DUPLICATE);

        try (var server = new OpsServer(0, registry::scrape, () -> true, () -> true, Map.of())) {
            var metrics = get(server, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("quondam_records_total{outcome=\"duplicate\"} 1.0");
        }
    }
}
