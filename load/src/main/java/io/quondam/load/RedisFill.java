package io.quondam.load;

import io.quondam.stack.LocalStack;
import io.quondam.stack.RedisEndpoint;
import java.time.Duration;
import redis.clients.jedis.Jedis;

/**
 * Puts filler keys into the local stack's Redis, as a long-running deployment holds its TTL window of claims: a full
 * resync, and so a restarted node's way back, then takes seconds. Keys {@code q:{fill}:<n>}, 50-byte values, one
 * hour TTL, pipelined.
 */
public final class RedisFill {
    private static final int BATCH = 10_000;
    private static final String VALUE = "x".repeat(50);

    private RedisFill() {
    }

    public static void fill(LocalStack stack, int keys) {
        var master = RedisEndpoint.parse(stack.currentMasterAddress(), stack.redisPassword());
        try (Jedis jedis = master.connect(Duration.ofSeconds(30))) {
            for (int start = 0; start < keys; start += BATCH) {
                var pipeline = jedis.pipelined();
                for (int n = start; n < Math.min(keys, start + BATCH); n++) {
                    pipeline.psetex("q:{fill}:" + n, 3_600_000L, VALUE);
                }
                pipeline.sync();
            }
        }
    }
}
