package io.quondam.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.ops.OpsServer;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The ledger's meters and summary on its ops port; the endpoints themselves are tested with {@code OpsServer} in
 * service-common.
 */
class OpsServerTest {
    private final HttpClient client = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private HttpResponse<String> get(OpsServer server, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeTheLedgerMetrics() throws Exception {
        var metrics = new LedgerMetrics(registry);
        metrics.committed(new LedgerWriter.BatchResult(3, 1, 2, 0), 1_000_000);
        metrics.dbFailure();

        try (var server = new OpsServer(0, registry::scrape, () -> true, () -> true, Map.of())) {
            assertThat(get(server, "/metrics").body())
                    .contains("quondam_ledger_booked_total 3.0")
                    .contains("quondam_ledger_leaked_duplicates_total 1.0")
                    .contains("quondam_ledger_quarantined_total 2.0")
                    .contains("quondam_ledger_db_failures_total 1.0");
        }
    }

    @Test
    void shouldServeTheSummaryInItsDocumentedShape() throws Exception {
        var amounts = new TreeMap<String, BigInteger>(Map.of("EUR", BigInteger.valueOf(1500),
                "USD", BigInteger.valueOf(99)));
        var offsets = new LinkedHashMap<String, Long>();
        offsets.put("payments.dedup-0", 7L);
        offsets.put("payments.dedup-1", 3L);
        String body = new ObjectMapper().writeValueAsString(new LedgerSummary(4, amounts, 1, 2, offsets));

        try (var server = new OpsServer(0, registry::scrape, () -> true, () -> true,
                Map.of("/payments/summary", () -> new OpsServer.JsonResponse(200, body)))) {
            var response = get(server, "/payments/summary");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.body()).isEqualTo("{\"payments\":4,\"amountMinorByCurrency\":{\"EUR\":1500,"
                    + "\"USD\":99},\"leakedDuplicates\":1,\"quarantined\":2,"
                    + "\"offsets\":{\"payments.dedup-0\":7,\"payments.dedup-1\":3}}");
        }
    }
}
