package io.quondam.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** A Redis Sentinel as a {@code redis-server <conf> --sentinel} child process with its own writable config. */
final class SentinelNode {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final int QUORUM = 2; // of the three Sentinels: one may be down and failover still happens

    private final RedisEndpoint endpoint;
    private final ChildProcess process;

    private SentinelNode(RedisEndpoint endpoint, ChildProcess process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    static String name(int port) {
        return "sentinel-" + port;
    }

    /** Writes a fresh sentinel.conf watching {@code masterPort}, starts the Sentinel and waits for its PONG. */
    static SentinelNode start(Path redisServer, StackLayout layout, int port, int masterPort,
                              StackOptions options) {
        String name = name(port);
        Path dir = layout.resetNodeDir(name);
        var config = new SentinelConfig(port, dir, options.masterName(), masterPort, QUORUM,
                options.redisPassword(), options.sentinelPassword());
        Path conf = dir.resolve("sentinel.conf");
        RedisNode.writeConfig(conf, config.render());
        return launch(redisServer, layout, port, options, conf);
    }

    /**
     * Starts a killed Sentinel again on the config file it kept rewriting while it ran (epoch, known replicas and
     * Sentinels), as a restarted Sentinel pod with its volume would.
     */
    static SentinelNode restart(Path redisServer, StackLayout layout, int port, StackOptions options) {
        return launch(redisServer, layout, port, options, layout.nodeDir(name(port)).resolve("sentinel.conf"));
    }

    private static SentinelNode launch(Path redisServer, StackLayout layout, int port, StackOptions options,
                                       Path conf) {
        String name = name(port);
        var process = ChildProcess.start(name, List.of(redisServer.toString(), conf.toString(), "--sentinel"),
                Map.of(), layout.logFile(name), layout.pidFile(name));
        var endpoint = RedisEndpoint.local(port, options.sentinelPassword());
        try {
            Await.until(START_TIMEOUT, () -> {
                process.requireAlive();
                return endpoint.answersPing(RedisNode.PING_TIMEOUT);
            }, name + " to answer PING");
            return new SentinelNode(endpoint, process);
        } catch (RuntimeException e) {
            process.kill9();
            throw e;
        }
    }

    /** True if this Sentinel answers and does not consider the master subjectively or objectively down. */
    boolean seesMasterUp(String masterName) {
        try (Jedis jedis = endpoint.connect(RedisNode.PING_TIMEOUT)) {
            return !jedis.sentinelMaster(masterName).getOrDefault("flags", "").contains("_down");
        } catch (JedisException e) {
            return false;
        }
    }

    int port() {
        return endpoint.port();
    }

    RedisEndpoint endpoint() {
        return endpoint;
    }

    ChildProcess process() {
        return process;
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
