package io.quondam.keyapi;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.quondam.store.KeyStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Builds the key-api Javalin app: routes, bearer auth, one problem+json error mapper, request metrics. */
public final class KeyApi {
    private static final String TENANT = "quondam.tenant";
    private static final Duration READINESS_INTERVAL = Duration.ofSeconds(1);
    private static final Duration READINESS_STALE_AFTER = Duration.ofSeconds(3);
    /** How often the keys that claims wait for (Prefer: wait) are looked at, all in one group. */
    private static final Duration WAIT_TICK = Duration.ofMillis(50);

    private KeyApi() {
    }

    /**
     * The app over {@code store}: a {@link KeyStorePool} answers off the HTTP threads with group commit; any other
     * store (the in-memory one in tests) is called directly.
     */
    public static Javalin create(KeyApiConfig config, KeyStore store, MeterRegistry registry) {
        var operations = store instanceof KeyOperations async ? async : KeyOperations.direct(store);
        var waits = new CompletionWaits(operations, WAIT_TICK);
        Gauge.builder("quondam.api.claims.waiting", waits, CompletionWaits::waiting)
                .description("Claims waiting for a key another request holds (Prefer: wait)").register(registry);
        var service = new KeyService(operations, waits, config, registry, Clock.systemUTC());
        var readiness = new StoreReadiness(store, READINESS_INTERVAL, READINESS_STALE_AFTER);
        return Javalin.create(javalin -> {
            javalin.events.serverStopping(readiness::close);
            javalin.events.serverStopping(waits::close);
            javalin.startup.showJavalinBanner = false;
            javalin.http.maxRequestSize = config.bodyLimitBytes();
            javalin.http.prefer405over404 = true;
            javalin.jetty.modifyServer(server -> server.setErrorHandler(new JettyProblemHandler()));
            var timers = new ConcurrentHashMap<RouteStatus, Timer>();
            javalin.requestLogger.http((ctx, millis) -> timers.computeIfAbsent(
                    new RouteStatus(ProblemMapper.routeOf(ctx), ctx.statusCode()), key -> requestTimer(key, registry))
                    .record(Duration.ofNanos((long) (millis * 1_000_000))));

            var routes = javalin.routes;
            routes.exception(Exception.class, ProblemMapper::handle);
            for (int status : new int[] {400, 404, 405, 413}) {
                routes.error(status, ProblemMapper::handleStatus);
            }
            routes.beforeMatched("/v1/*", ctx -> ctx.attribute(TENANT, authenticate(ctx, config.tokens())));
            boolean legacyAuth = config.legacyAuth() == KeyApiConfig.LegacyAuth.BEARER;
            if (legacyAuth) {
                routes.beforeMatched("/keys", ctx -> ctx.attribute(TENANT, authenticate(ctx, config.tokens())));
            }

            // Input is checked on the HTTP thread (a 4xx at once); the answer is written when the store's comes.
            routes.put("/v1/keys/{key}", ctx -> respond(ctx, service.claim(tenant(ctx), key(ctx),
                    JsonBodies.object(ctx, true), PreferWait.of(ctx.req().getHeaders("Prefer"), config.maxPreferWait()))
                    .thenApply(answer -> {
                        if (answer.status() == 201) {
                            ctx.header("Location", "/v1/keys/" + URLEncoder.encode(key(ctx), StandardCharsets.UTF_8)
                                    .replace("+", "%20"));
                        }
                        return answer;
                    })));
            routes.put("/v1/keys/{key}/result",
                    ctx -> respond(ctx, service.complete(tenant(ctx), key(ctx), JsonBodies.object(ctx, false))));
            routes.get("/v1/keys/{key}", ctx -> respond(ctx, service.status(tenant(ctx), key(ctx))));
            routes.delete("/v1/keys/{key}", ctx -> respond(ctx, service.release(tenant(ctx), key(ctx))));

            routes.put("/keys",
                    ctx -> respond(ctx, service.legacyRegister(legacyTenant(ctx), JsonBodies.object(ctx, false))));
            routes.delete("/keys",
                    ctx -> respond(ctx, service.legacyConsume(legacyTenant(ctx), JsonBodies.object(ctx, false))));

            String openApi = OpenApiDocument.load();
            routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            routes.get("/health/live", ctx -> JsonBodies.answer(ctx, 200, Map.of("status", "UP")));
            routes.get("/health/ready", ctx -> {
                if (readiness.ready()) {
                    JsonBodies.answer(ctx, 200, Map.of("status", "UP"));
                } else {
                    ctx.header("Retry-After", ProblemMapper.RETRY_AFTER_SECONDS);
                    ProblemMapper.write(ctx, 503, "Service Unavailable", "the key store has not answered lately");
                }
            });
            if (registry instanceof PrometheusMeterRegistry prometheus) {
                routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(prometheus.scrape()));
            }
        });
    }

    /** A request timer's tags; its timer is looked up once, not built again for every request. */
    private record RouteStatus(String route, int status) {
    }

    private static Timer requestTimer(RouteStatus key, MeterRegistry registry) {
        return Timer.builder("quondam.http.requests").tag("route", key.route())
                .tag("status", Integer.toString(key.status())).publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    private static String authenticate(Context ctx, TenantTokens tokens) {
        int count = 0;
        for (var values = ctx.req().getHeaders("Authorization"); values.hasMoreElements(); values.nextElement()) {
            count++;
        }
        if (count > 1) {
            // Which credential counts would depend on the server (the first? the last?): refuse, never guess.
            throw ApiProblem.badRequest("send one Authorization header, not " + count);
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiProblem.unauthorized("an Authorization: Bearer <token> header is required");
        }
        return tokens.tenantOf(header.substring(7).trim())
                .orElseThrow(() -> ApiProblem.unauthorized("the token is not known"));
    }

    private static String tenant(Context ctx) {
        return ctx.attribute(TENANT);
    }

    /** The tenant of a legacy request when legacy auth is on; none otherwise. */
    private static Optional<String> legacyTenant(Context ctx) {
        return Optional.ofNullable(ctx.attribute(TENANT));
    }

    private static String key(Context ctx) {
        return IdempotencyKeys.validate(ctx.pathParam("key"));
    }

    private static void respond(Context ctx, CompletableFuture<KeyService.Answer> answer) {
        ctx.future(() -> answer.thenAccept(done -> {
            if (done.body() == null) {
                ctx.status(done.status());
            } else {
                JsonBodies.answer(ctx, done.status(), done.body());
            }
        }));
    }
}
