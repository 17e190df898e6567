package io.quondam.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A service's small operations port on the JDK HTTP server: {@code /metrics} (Prometheus text), {@code /health/live},
 * {@code /health/ready}, plus any JSON routes the service adds. A few threads, because readiness and JSON routes may
 * ask a database or Redis and wait for it. GET only.
 */
public final class OpsServer implements AutoCloseable {

    /** A JSON answer of a route. */
    public record JsonResponse(int status, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * @param metrics the Prometheus scrape, e.g. {@code prometheusRegistry::scrape}
     * @param jsonRoutes path → answer, e.g. {@code /payments/summary}
     */
    public OpsServer(int port, Supplier<String> metrics, BooleanSupplier live, BooleanSupplier ready,
                     Map<String, Supplier<JsonResponse>> jsonRoutes) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 16);
        executor = Executors.newFixedThreadPool(4, runnable -> {
            var thread = new Thread(runnable, "quondam-ops-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange ->
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        server.createContext("/health/live", exchange -> health(exchange, live.getAsBoolean()));
        server.createContext("/health/ready", exchange -> health(exchange, ready.getAsBoolean()));
        jsonRoutes.forEach((path, answer) -> server.createContext(path, exchange -> {
            var response = answer.get();
            respond(exchange, response.status(), "application/json", response.body());
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, boolean up) throws IOException {
        respond(exchange, up ? 200 : 503, "application/json", up ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
