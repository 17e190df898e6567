package io.quondam.stack;

import java.time.Duration;
import java.util.OptionalLong;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** Address and password of a Redis data node or Sentinel, with the Jedis connection the stack and tests use. */
public record RedisEndpoint(String host, int port, String password) {

    public static RedisEndpoint local(int port, String password) {
        return new RedisEndpoint("127.0.0.1", port, password);
    }

    /** Parses {@code host:port} as reported by Sentinel. */
    public static RedisEndpoint parse(String address, String password) {
        int colon = address.lastIndexOf(':');
        return new RedisEndpoint(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)), password);
    }

    public String address() {
        return host + ":" + port;
    }

    /** A new authenticated connection with {@code timeout} for connect and every read; the caller closes it. */
    public Jedis connect(Duration timeout) {
        return connect(null, password, timeout);
    }

    /** {@link #connect} as the services' ACL user ({@link StackOptions#SERVICE_USER}), with its rules and keys. */
    public Jedis connectAsService(Duration timeout) {
        return connect(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD, timeout);
    }

    private Jedis connect(String user, String password, Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        return new Jedis(new HostAndPort(host, port), DefaultJedisClientConfig.builder()
                .user(user)
                .password(password)
                .resp2()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .build());
    }

    public boolean answersPing(Duration timeout) {
        try (Jedis jedis = connect(timeout)) {
            return "PONG".equals(jedis.ping());
        } catch (JedisException e) {
            return false;
        }
    }

    /** "master", "slave" or "sentinel" as ROLE reports it, or "unreachable". */
    public String role(Duration timeout) {
        try (Jedis jedis = connect(timeout)) {
            return jedis.role().get(0).toString();
        } catch (JedisException e) {
            return "unreachable";
        }
    }

    /** Whether the node is a replica in the middle of a full resync from its master. */
    public boolean syncing(Duration timeout) {
        try (Jedis jedis = connect(timeout)) {
            return jedis.info("replication").contains("master_sync_in_progress:1");
        } catch (JedisException e) {
            return false;
        }
    }

    /** The node's replica-priority (0: Sentinel never promotes it), or -1 when it does not answer. */
    public int replicaPriority(Duration timeout) {
        try (Jedis jedis = connect(timeout)) {
            return Integer.parseInt(jedis.configGet("replica-priority").getOrDefault("replica-priority", "-1"));
        } catch (JedisException e) {
            return -1;
        }
    }

    /**
     * How far this node has read the replication stream: {@code slave_repl_offset} of a replica (frozen at its last
     * byte once its master is gone), {@code master_repl_offset} of a master; empty when the node does not answer.
     */
    public OptionalLong replicationOffset(Duration timeout) {
        try (Jedis jedis = connect(timeout)) {
            String info = jedis.info("replication");
            String field = info.contains("role:slave") ? "slave_repl_offset:" : "master_repl_offset:";
            return info.lines().filter(line -> line.startsWith(field))
                    .mapToLong(line -> Long.parseLong(line.substring(field.length()).strip()))
                    .findFirst();
        } catch (JedisException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public String toString() {
        return address(); // never the password
    }
}
