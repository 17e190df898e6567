package io.quondam.keyapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny HTTP client for tests against a started key-api on 127.0.0.1. */
final class ApiClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    ApiClient(int port) {
        this.port = port;
    }

    HttpResponse<String> send(String method, String path, String token, String contentType, String body) {
        return send(method, path, token, contentType, body, null);
    }

    /** With a {@code Prefer} header, when {@code prefer} is not null. */
    HttpResponse<String> send(String method, String path, String token, String contentType, String body,
                              String prefer) {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> json(String method, String path, String token, String body) {
        return send(method, path, token, body == null ? null : "application/json", body);
    }
}
