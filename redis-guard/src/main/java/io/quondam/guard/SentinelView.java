package io.quondam.guard;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What the Sentinels say of the master: where it is, whether they think it down, and how long that takes them. Keeps
 * one connection, to the Sentinel that answered last. Not thread-safe.
 */
final class SentinelView implements AutoCloseable {

    record Answer(HostAndPort master, boolean down, Duration downAfter) {
    }

    private final List<HostAndPort> sentinels;
    private final String masterName;
    private final JedisClientConfig config;
    private Jedis connection;

    SentinelView(List<HostAndPort> sentinels, String masterName, JedisClientConfig config) {
        this.sentinels = List.copyOf(sentinels);
        this.masterName = masterName;
        this.config = config;
    }

    /** The Sentinel connected to, or else the first one that answers; empty when none does. */
    Optional<Answer> ask() {
        for (int attempt = 0; attempt <= sentinels.size(); attempt++) {
            try {
                if (connection == null) {
                    connection = new Jedis(sentinels.get(Math.max(0, attempt - 1)), config);
                }
                Map<String, String> master = connection.sentinelMaster(masterName);
                String flags = master.getOrDefault("flags", "");
                var address = new HostAndPort(master.get("ip"), Integer.parseInt(master.get("port")));
                long downAfter = Long.parseLong(master.getOrDefault("down-after-milliseconds", "30000"));
                return Optional.of(new Answer(address, flags.contains("s_down") || flags.contains("o_down"),
                        Duration.ofMillis(downAfter)));
            } catch (RuntimeException e) {
                close(); // JedisException, or an answer without a master: ask the next one
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JedisException ignored) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public String toString() {
        return "Sentinels " + sentinels + " of '" + masterName + "'";
    }
}
