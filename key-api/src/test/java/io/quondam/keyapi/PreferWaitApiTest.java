package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.stack.Await;
import io.quondam.store.ForwardingKeyStore;
import io.quondam.store.InMemoryKeyStore;
import io.quondam.store.KeyStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Prefer: wait=N} on a claim of a key that another request holds: answered as soon as the key is completed
 * (the stored response) or released (the key), or with the usual 409 when the wait ends; the waited keys are read
 * once per tick for all waiting requests together, not polled per request.
 */
class PreferWaitApiTest {
    private static final String TOKEN = "t-wait";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Counts the status reads that reach the store. */
    private static final class CountingStore extends ForwardingKeyStore {
        final AtomicInteger statusReads = new AtomicInteger();

        CountingStore() {
            super(new InMemoryKeyStore());
        }

        @Override
        public Optional<KeyStatus> status(String namespace, String key) {
            statusReads.incrementAndGet();
            return super.status(namespace, key);
        }
    }

    private final CountingStore store = new CountingStore();
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Javalin app;

    @BeforeEach
    void start() {
        app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("acme=" + TOKEN)), store, registry)
                .start("127.0.0.1", 0);
    }

    /** Returns once {@code count} claims wait for their key (the key-api's own gauge says so). */
    private void awaitWaiting(int count) {
        Await.until(Duration.ofSeconds(10), () -> registry.get("quondam.api.claims.waiting").gauge().value() == count,
                count + " claim(s) waiting");
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path, String body, String prefer) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswerAWaitingClaimWithTheStoredResponseOnceTheKeyCompletes() throws Exception {
        assertThat(send("PUT", "/v1/keys/k1", "{\"owner\":\"req-1\"}", null).get().statusCode()).isEqualTo(201);
        var waiting = send("PUT", "/v1/keys/k1", "{\"owner\":\"req-2\"}", "wait=10");
        awaitWaiting(1);
        assertThat(waiting).as("still waiting while the key is in progress").isNotDone();

        long completedAt = System.nanoTime();
        send("PUT", "/v1/keys/k1/result", "{\"owner\":\"req-1\",\"response\":{\"paid\":true}}", null).get();
        var answer = waiting.get();

        assertThat(answer.statusCode()).isEqualTo(200);
        var body = JSON.readTree(answer.body());
        assertThat(body.get("status").asText()).isEqualTo("COMPLETED");
        assertThat(body.get("response").get("paid").asBoolean()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - completedAt)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void shouldGiveAWaitingClaimTheKeyOnceItIsReleased() throws Exception {
        send("PUT", "/v1/keys/k1", "{\"owner\":\"req-1\"}", null).get();
        var waiting = send("PUT", "/v1/keys/k1", "{\"owner\":\"req-2\"}", "wait=10");
        awaitWaiting(1);

        assertThat(send("DELETE", "/v1/keys/k1", "", null).get().statusCode()).isEqualTo(204);
        var answer = waiting.get();

        assertThat(answer.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(answer.body()).get("owner").asText()).isEqualTo("req-2");
    }

    @Test
    void shouldAnswer409WhenTheWaitEndsFirst() throws Exception {
        send("PUT", "/v1/keys/k1", "{\"owner\":\"req-1\"}", null).get();
        long start = System.nanoTime();

        var answer = send("PUT", "/v1/keys/k1", "{\"owner\":\"req-2\"}", "wait=1").get();

        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        assertThat(send("PUT", "/v1/keys/k1", "{\"owner\":\"req-3\"}", null).get().statusCode()).as("no wait asked")
                .isEqualTo(409);
    }

    @Test
    void shouldReadTheWaitedKeyOncePerTickForAllWaitersNotOncePerWaiter() throws Exception {
        send("PUT", "/v1/keys/k1", "{\"owner\":\"req-1\"}", null).get();
        var waiting = new ArrayList<CompletableFuture<HttpResponse<String>>>();
        for (int i = 0; i < 50; i++) {
            waiting.add(send("PUT", "/v1/keys/k1", "{\"owner\":\"w-" + i + "\"}", "wait=10"));
        }
        awaitWaiting(50);
        int before = store.statusReads.get();
        var reads = new AtomicInteger();
        Await.until(Duration.ofSeconds(10), () -> reads.updateAndGet(r -> store.statusReads.get() - before) >= 10,
                "10 status reads while 50 claims wait");
        send("PUT", "/v1/keys/k1/result", "{\"owner\":\"req-1\",\"response\":1}", null).get();
        for (var answer : waiting) {
            assertThat(answer.get().statusCode()).isEqualTo(200);
        }

        // Seen within one poll (100 ms, two ticks) of reaching 10: one read per tick for the key, plus the readiness
        // check; a read per waiting claim would have made it 50 at the first tick.
        assertThat(reads.get()).isBetween(10, 30);
    }
}
