package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.keyapi.generated.ApiClient;
import io.quondam.keyapi.generated.ApiException;
import io.quondam.keyapi.generated.api.DefaultApi;
import io.quondam.keyapi.generated.model.Claim;
import io.quondam.keyapi.generated.model.Key;
import io.quondam.keyapi.generated.model.Result;
import io.quondam.store.InMemoryKeyStore;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Java client generated from {@code openapi.json} by openapi-generator (the build generates it, see the pom) claims,
 * completes and replays a key: the document describes the API well enough for a tool to call it.
 */
class GeneratedClientTest {
    private static final String TOKEN = "t-generated";

    private Javalin app;
    private DefaultApi api;

    @BeforeEach
    void start() {
        app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("acme=" + TOKEN)), new InMemoryKeyStore(),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
        var client = new ApiClient().setHost("127.0.0.1").setPort(app.port());
        client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + TOKEN));
        api = new DefaultApi(client);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void shouldClaimCompleteAndReplayAKey() throws Exception {
        var claimed = api.claimKey("order-1", null, new Claim().owner("req-1").fingerprint("fp-1"));
        assertThat(claimed.getStatus()).isEqualTo(Key.StatusEnum.IN_PROGRESS);
        assertThat(claimed.getOwner()).isEqualTo("req-1");

        var completed = api.completeKey("order-1", new Result().owner("req-1").response(Map.of("paid", true)));
        assertThat(completed.getStatus()).isEqualTo(Key.StatusEnum.COMPLETED);

        var replayed = api.claimKey("order-1", null, new Claim().owner("req-2").fingerprint("fp-1"));
        assertThat(replayed.getStatus()).isEqualTo(Key.StatusEnum.COMPLETED);
        assertThat(replayed.getOwner()).isEqualTo("req-1");
        assertThat(replayed.getResponse()).isEqualTo(Map.of("paid", true));
        assertThat(api.getKey("order-1").getStatus()).isEqualTo(Key.StatusEnum.COMPLETED);
    }

    @Test
    void shouldSurfaceAConflictAsTheDocumentedStatus() throws Exception {
        api.claimKey("order-2", null, new Claim().owner("req-1"));

        assertThatThrownBy(() -> api.claimKey("order-2", null, new Claim().owner("req-2")))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getResponseBody()).contains("\"status\":409");
                });
    }
}
