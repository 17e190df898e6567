package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.store.InMemoryKeyStore;
import io.quondam.store.KeyStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Tokens, keys, request payloads and stored responses never reach the log, on the happy path or on any error path.
 * The log is captured from standard error, where slf4j-simple writes, including Jetty's and Javalin's loggers.
 */
class LogSecrecyTest {
    private static final String TOKEN = "tok-5ecret-4a7e";
    private static final String KEY = "order-key-9f31c";
    private static final String PAYLOAD = "card-4111111111111111";

    private String capture(KeyStore store) {
        var log = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            var app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("acme=" + TOKEN)), store,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
            try {
                exercise(new ApiClient(app.port()));
            } finally {
                app.stop();
            }
        } finally {
            System.setErr(original);
        }
        return log.toString(StandardCharsets.UTF_8);
    }

    private static void exercise(ApiClient client) {
        String path = "/v1/keys/" + KEY;
        client.json("PUT", path, TOKEN, "{\"owner\":\"o-1\",\"fingerprint\":\"" + PAYLOAD + "\"}");
        client.json("PUT", path + "/result", TOKEN, "{\"owner\":\"o-1\",\"response\":{\"card\":\"" + PAYLOAD + "\"}}");
        client.json("PUT", path, TOKEN, "{\"owner\":\"o-2\",\"fingerprint\":\"other-" + PAYLOAD + "\"}");
        client.json("GET", path, TOKEN, null);
        client.json("PUT", path, TOKEN + "-wrong", "{}");
        client.json("PUT", path, TOKEN, "{\"owner\":\"" + PAYLOAD); // malformed JSON
        client.send("PUT", path, TOKEN, "text/plain", PAYLOAD);
        client.json("PUT", "/keys", null, "{\"shard\":\"s\",\"key\":\"" + KEY + "\"}");
        client.json("DELETE", path, TOKEN, null);
    }

    @Test
    void shouldKeepSecretsOutOfTheLogWhileRedisAnswers() {
        String log = capture(new InMemoryKeyStore());

        assertThat(log).contains("Javalin started"); // the capture works
        assertThat(log).doesNotContain(TOKEN).doesNotContain(KEY).doesNotContain(PAYLOAD);
    }

    @Test
    void shouldKeepSecretsOutOfTheLogWhenRequestsFail() {
        String log = capture(new UnavailableKeyStore());

        assertThat(log).contains("key store unavailable on PUT /v1/keys/{key}"); // the error path logged
        assertThat(log).doesNotContain(TOKEN).doesNotContain(KEY).doesNotContain(PAYLOAD);
    }
}
