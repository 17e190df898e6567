package io.quondam.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * key-api from its shaded jar as part of the local stack, on 127.0.0.1. Its tenants come from {@code QUONDAM_TOKENS}
 * when set; otherwise from a tokens file, created once with a random token for the tenant {@code demo}.
 */
record StackKeyApi(Path jar, int port, Path tokensFile, PrintStream out) {
    static final String NAME = "key-api";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /** Starts key-api, waits until it is ready and returns what stack.env should add for it. */
    Map<String, String> start(LocalStack stack) {
        FreePorts.requireFree(List.of(port));
        var environment = new LinkedHashMap<>(stack.environment());
        environment.put("QUONDAM_HTTP_HOST", "127.0.0.1");
        environment.put("QUONDAM_HTTP_PORT", Integer.toString(port));
        var added = new LinkedHashMap<String, String>();
        added.put("KEY_API_URL", "http://127.0.0.1:" + port);
        String tokens = System.getenv("QUONDAM_TOKENS");
        if (tokens == null || tokens.isBlank()) {
            ensureTokensFile();
            environment.put("QUONDAM_TOKENS_FILE", tokensFile.toAbsolutePath().toString());
            added.put("QUONDAM_TOKENS_FILE", tokensFile.toAbsolutePath().toString());
        }
        var process = stack.startJvm(NAME, ShippedJar.at(NAME, jar).childJvm()
                .withJvmOptions("-Xmx256m").withEnvironment(environment));
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Await.until(READY_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new StackException("key-api exited during start-up; see " + stack.dir().resolve("logs"));
            }
            return ready(http);
        }, "key-api on 127.0.0.1:" + port + " to answer /health/ready");
        out.println("key-api ready on http://127.0.0.1:" + port + (added.containsKey("QUONDAM_TOKENS_FILE")
                ? " (tenants and tokens in " + tokensFile + ")" : " (tenants from QUONDAM_TOKENS)"));
        return added;
    }

    private void ensureTokensFile() {
        if (Files.isRegularFile(tokensFile)) {
            return; // keep the token a user may already have put into a client
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try {
            Files.createDirectories(tokensFile.toAbsolutePath().getParent());
            Files.writeString(tokensFile, "# tenant=token, one per line; read by key-api through QUONDAM_TOKENS_FILE\n"
                    + "demo=" + token + "\n");
            Files.setPosixFilePermissions(tokensFile, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + tokensFile, e);
        }
    }

    private boolean ready(HttpClient http) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
