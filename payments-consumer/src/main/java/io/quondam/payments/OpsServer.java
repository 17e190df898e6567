package io.quondam.payments;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The HTTP port: {@code /metrics} (Prometheus), {@code /health/live}, {@code /health/ready} and
 * {@code /payments/summary}. The same pattern as the dedup-processor's, with a few threads because readiness and the
 * summary ask the database and may wait for it.
 */
public final class OpsServer implements AutoCloseable {

    /** A JSON answer of a route. */
    public record JsonResponse(int status, String body) {
    }

    private final HttpServer server;
    private final ExecutorService executor;

    public OpsServer(int port, PrometheusMeterRegistry registry, BooleanSupplier live, BooleanSupplier ready,
                     Supplier<JsonResponse> summary) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 16);
        executor = Executors.newFixedThreadPool(4, runnable -> {
            var thread = new Thread(runnable, "quondam-ledger-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange ->
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.createContext("/health/live", exchange -> health(exchange, live.getAsBoolean()));
        server.createContext("/health/ready", exchange -> health(exchange, ready.getAsBoolean()));
        server.createContext("/payments/summary", exchange -> {
            var response = summary.get();
            respond(exchange, response.status(), "application/json", response.body());
        });
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
