package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.store.InMemoryKeyStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests a client gets wrong at the level of HTTP framing, JSON or Unicode: each is a 400 problem, decided before
 * the key store is asked, and none leaves an ERROR in the log (a client's mistake is not the server's failure).
 */
class MalformedRequestsTest {
    private static final String TOKEN = "t-malformed";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private Javalin app;

    @BeforeEach
    void start() {
        originalErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of("acme=" + TOKEN), KeyApiConfig.LegacyAuth.BEARER),
                new InMemoryKeyStore(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        System.setErr(originalErr);
        System.err.print(log.toString(StandardCharsets.UTF_8)); // into the test's report
        assertThat(log.toString(StandardCharsets.UTF_8)).as("the log").doesNotContain("ERROR")
                .doesNotContain("Exception");
    }

    /** Writes {@code head} (headers end included) and {@code body}, then half-closes, and reads the whole answer. */
    private RawHttp.Response exchange(String head, byte[] body) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 5000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            return RawHttp.parse(socket.getInputStream().readAllBytes());
        }
    }

    private RawHttp.Response put(String target, String headers, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return exchange("PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\n" + headers
                + "Content-Length: " + bytes.length + "\r\n\r\n", bytes);
    }

    private static void assertBadRequest(RawHttp.Response response, String detail) throws IOException {
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.header("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(ProblemMapper.CONTENT_TYPE));
        assertThat(JSON.readTree(response.body()).path("detail").asText()).contains(detail);
    }

    @Test
    void shouldAnswer400ToABodyShorterThanItsContentLength() throws IOException {
        var response = exchange("PUT /v1/keys/k1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n",
                "{\"owner\":\"o\"}".getBytes(StandardCharsets.UTF_8));

        assertBadRequest(response, "body");
    }

    @Test
    void shouldAnswer400ToAnInvalidChunkSize() throws IOException {
        var response = exchange("PUT /v1/keys/k1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Authorization: Bearer "
                + TOKEN + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
                "zz\r\n{\"owner\":\"o\"}\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.header("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith(ProblemMapper.CONTENT_TYPE));
    }

    @Test
    void shouldAnswer400ToDataAfterTheJsonObject() throws IOException {
        assertBadRequest(put("/v1/keys/k1", "", "{\"owner\":\"a\"} {\"owner\":\"b\"}"), "after");
        assertBadRequest(put("/v1/keys/k1", "", "{\"owner\":\"a\"} x"), "not valid JSON");
        assertThat(put("/v1/keys/k1", "", "{\"owner\":\"a\"} \r\n").status()).as("trailing white space").isEqualTo(201);
    }

    @Test
    void shouldAnswer400ToAMemberGivenTwice() throws IOException {
        assertBadRequest(put("/v1/keys/k1", "", "{\"owner\":\"a\",\"owner\":\"b\"}"), "more than once");
        assertBadRequest(put("/keys", "", "{\"shard\":\"s\",\"key\":\"k\",\"key\":\"j\"}"), "more than once");
        assertBadRequest(put("/v1/keys/k1", "", "{\"owner\":\"a\",\"response\":{\"x\":1,\"x\":2}}"), "more than once");
    }

    @Test
    void shouldAnswer400ToTwoAuthorizationHeaders() throws IOException {
        assertBadRequest(put("/v1/keys/k1", "Authorization: Bearer other\r\n", "{}"), "Authorization");
        assertBadRequest(put("/keys", "Authorization: Bearer " + TOKEN + "\r\n", "{\"shard\":\"s\",\"key\":\"k\"}"),
                "Authorization");
    }

    /** Jackson turns "\ud800" into a lone surrogate, which Redis would store as '?'. */
    @Test
    void shouldAnswer400ToAnEscapedLoneSurrogateInAnyString() throws IOException {
        assertBadRequest(put("/v1/keys/k1", "", "{\"owner\":\"o-\\ud800\"}"), "Unicode");
        assertBadRequest(put("/v1/keys/k1", "", "{\"owner\":\"o\",\"fingerprint\":\"\\udbff\"}"), "Unicode");
        assertBadRequest(put("/v1/keys/k1/result", "", "{\"owner\":\"o\",\"response\":{\"a\":\"\\udc00\"}}"),
                "Unicode");
        // Jackson itself refuses a lone surrogate in a member name.
        assertBadRequest(put("/v1/keys/k1/result", "", "{\"owner\":\"o\",\"response\":{\"\\ud800\":1}}"), "");
        assertBadRequest(put("/keys", "", "{\"shard\":\"s-\\ud800\",\"key\":\"k\"}"), "Unicode");
        assertThat(put("/v1/keys/k1", "", "{\"owner\":\"o-\\ud83d\\ude42\"}").status()).as("a pair").isEqualTo(201);
    }
}
