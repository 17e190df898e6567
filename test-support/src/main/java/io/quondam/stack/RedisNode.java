package io.quondam.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** A Redis data node (master or replica) as a redis-server child process with its own config and directory. */
public final class RedisNode {

    static final Duration PING_TIMEOUT = Duration.ofMillis(500);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    // Generous: a full resync copies the whole keyspace, and the benchmarks fill it with millions of keys.
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(120);

    private final RedisEndpoint endpoint;
    private final ChildProcess process;

    private RedisNode(RedisEndpoint endpoint, ChildProcess process) {
        this.endpoint = endpoint;
        this.process = process;
    }

    public static String name(int port) {
        return "redis-" + port;
    }

    /**
     * Starts a fresh node (empty directory, no persistence) and returns once it answers PING and, for a replica,
     * once its link to {@code masterPort} is up.
     */
    static RedisNode start(Path redisServer, StackLayout layout, int port, String password,
                                  OptionalInt masterPort) {
        return start(redisServer, layout, new RedisNodeConfig(port, layout.resetNodeDir(name(port)), password,
                masterPort));
    }

    /** Starts a fresh Redis Cluster node; it serves no slot until the cluster is formed. */
    static RedisNode startClusterNode(Path redisServer, StackLayout layout, int port, String password) {
        return start(redisServer, layout, RedisNodeConfig.clusterNode(port, layout.resetNodeDir(name(port)),
                password));
    }

    /**
     * Starts a cluster node again in its old directory, after a kill: its data is gone (no persistence), but its
     * nodes.conf tells it which cluster it belongs to, so it rejoins, as a replica if its slots went to another.
     */
    static RedisNode restartClusterNode(Path redisServer, StackLayout layout, int port, String password) {
        return start(redisServer, layout, RedisNodeConfig.clusterNode(port, layout.nodeDir(name(port)), password));
    }

    private static RedisNode start(Path redisServer, StackLayout layout, RedisNodeConfig config) {
        String name = name(config.port());
        Path conf = config.dir().resolve("redis.conf");
        writeConfig(conf, config.render());
        var process = ChildProcess.start(name, List.of(redisServer.toString(), conf.toString()), Map.of(),
                layout.logFile(name), layout.pidFile(name));
        var node = new RedisNode(RedisEndpoint.local(config.port(), config.password()), process);
        try {
            Await.until(START_TIMEOUT, () -> {
                process.requireAlive();
                return node.endpoint.answersPing(PING_TIMEOUT);
            }, name + " to answer PING");
            if (config.masterPort().isPresent()) {
                Await.until(SYNC_TIMEOUT, node::replicationLinkUp,
                        name + " to sync with 127.0.0.1:" + config.masterPort().getAsInt());
            }
            return node;
        } catch (RuntimeException e) {
            process.kill9();
            throw e;
        }
    }

    public int port() {
        return endpoint.port();
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    public ChildProcess process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    boolean replicationLinkUp() {
        process.requireAlive();
        try (Jedis jedis = endpoint.connect(PING_TIMEOUT)) {
            return jedis.info("replication").contains("master_link_status:up");
        } catch (JedisException e) {
            return false;
        }
    }

    static void writeConfig(Path file, String content) {
        try {
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
