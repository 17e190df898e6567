package io.quondam.load.bench;

import io.quondam.stack.LocalStack;
import io.quondam.stack.StackOptions;
import io.quondam.store.RedisSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * key-api claims per second at a fixed concurrency, against the limit of any HTTP facade: the same number of raw
 * Jedis connections doing {@code SET key value NX PX} on the same Redis master.
 */
final class KeyApiBench {
    private static final String TOKEN = "bench-token";
    private static final long TTL_MILLIS = Duration.ofHours(1).toMillis();
    /** QUONDAM_REDIS_SESSIONS' default. */
    static final int KEY_API_SESSIONS = 8;

    private final LocalStack stack;
    private final int concurrency;
    private final CpuAccount cpu;
    private final Duration duration;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);

    KeyApiBench(LocalStack stack, int concurrency, Duration duration) {
        this.stack = stack;
        this.cpu = new CpuAccount(stack);
        this.concurrency = concurrency;
        this.duration = duration;
    }

    RedisSettings redisSettings() {
        return redisSettings(stack);
    }

    /** How the services reach the stack's Redis: through its Sentinels, as the service user. */
    static RedisSettings redisSettings(LocalStack stack) {
        return RedisSettings.sentinel(stack.sentinelAddresses(), stack.masterName(), "",
                stack.sentinelPassword())
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD);
    }

    /**
     * key-api in this JVM with its default 8 Redis sessions (group commit: every client's claims share them),
     * answering once {@code minReplicas} replicas hold a claim.
     */
    LoadLoop.Result keyApi(int minReplicas) throws InterruptedException {
        try (var api = new InProcessKeyApi(redisSettings(), KEY_API_SESSIONS, minReplicas, "bench", TOKEN)) {
            String base = "/v1/keys/api-" + minReplicas + "-" + runId + "-";
            var claims = new HttpPut((connection, sequence) -> base + connection + "-" + sequence, TOKEN,
                    "{\"owner\":\"bench\"}", 201);
            return LoadLoop.measure(duration, cpu, List.of(new EventLoopLoad(api.port(), concurrency, claims)))
                    .withMeanGroup(api.meanGroup());
        }
    }

    /**
     * {@code SET NX PX} from as many connections to the current master as key-api has clients, driven like the
     * key-api's: one thread, one request in flight per connection (what redis-benchmark does).
     */
    LoadLoop.Result rawEventLoop() throws InterruptedException {
        var master = HostAndPort.from(stack.currentMasterAddress());
        var claims = new RespSetNx("bench:loop:" + runId + ":", stack.redisPassword(), TTL_MILLIS);
        return LoadLoop.measure(duration, cpu, List.of(new EventLoopLoad(master.getPort(), concurrency, claims)));
    }

    /** {@code SET NX PX} from as many plain Jedis connections to the current master as key-api has clients. */
    LoadLoop.Result rawJedis() throws InterruptedException {
        var master = HostAndPort.from(stack.currentMasterAddress());
        var config = DefaultJedisClientConfig.builder().password(stack.redisPassword()).autoNegotiateProtocol(false)
                .build();
        var connections = new ArrayList<Jedis>();
        try {
            for (int i = 0; i < concurrency; i++) {
                connections.add(new Jedis(master, config));
            }
            var params = SetParams.setParams().nx().px(TTL_MILLIS);
            return LoadLoop.run(concurrency, duration, thread -> {
                Jedis jedis = connections.get(thread);
                return sequence -> "OK".equals(jedis.set("bench:raw:" + runId + ":" + thread + ":" + sequence, "bench",
                        params));
            }, cpu);
        } finally {
            connections.forEach(Jedis::close);
        }
    }
}
