package io.quondam.load.bench;

import io.javalin.Javalin;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.keyapi.KeyApi;
import io.quondam.keyapi.KeyApiConfig;
import io.quondam.keyapi.KeyStorePool;
import io.quondam.keyapi.TenantTokens;
import io.quondam.store.RedisKeyStore;
import io.quondam.store.RedisSettings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** key-api in this JVM on a free port of 127.0.0.1, with its own Redis sessions and meter registry. */
final class InProcessKeyApi implements AutoCloseable {
    private final KeyStorePool store;
    private final Javalin app;
    private final SimpleMeterRegistry registry;

    /**
     * A claim is answered once at least {@code minReplicas} replicas, and every online one, hold it (WAIT), held
     * through a failover for key-api's default hold.
     */
    InProcessKeyApi(RedisSettings redis, int sessions, int minReplicas, String tenant, String token) {
        this.registry = new SimpleMeterRegistry();
        var sessionNumber = new AtomicInteger();
        this.store = new KeyStorePool(sessions, () -> new RedisKeyStore(redis, registry,
                "bench-" + tenant + "-" + sessionNumber.incrementAndGet()), Duration.ofSeconds(5), minReplicas,
                Duration.ofSeconds(1), KeyStorePool.DEFAULT_FAILOVER_HOLD, registry);
        this.app = KeyApi.create(KeyApiConfig.forTests(TenantTokens.of(tenant + "=" + token)), store, registry)
                .start("127.0.0.1", 0);
    }

    /** Requests sent to Redis together, on average since the start (group commit). */
    double meanGroup() {
        var groups = registry.find("quondam.api.group.size").summary();
        return groups == null ? Double.NaN : groups.mean();
    }

    int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        store.close();
    }
}
