package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.store.InMemoryKeyStore;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OpenApiDocumentTest {

    @Test
    void shouldDescribeExactlyTheRegisteredRoutes() throws Exception {
        var app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("acme=t")), new InMemoryKeyStore(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
        try {
            var registered = new TreeSet<String>();
            app.unsafe.internalRouter.allHttpHandlers().stream().map(parsed -> parsed.endpoint)
                    .filter(endpoint -> endpoint.method.isHttpMethod())
                    .forEach(endpoint -> registered.add(endpoint.method.name().toUpperCase(Locale.ROOT) + " "
                            + endpoint.path));

            var served = new ApiClient(app.port()).json("GET", "/openapi.json", null, null);
            assertThat(served.statusCode()).isEqualTo(200);
            var document = new ObjectMapper().readTree(served.body());
            assertThat(document.get("openapi").asText()).startsWith("3.1");
            var described = new TreeSet<String>();
            document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(
                    method -> {
                        if (!Set.of("parameters", "summary", "description").contains(method)) {
                            described.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                        }
                    }));

            assertThat(described).isEqualTo(registered);
        } finally {
            app.stop();
        }
    }
}
