package io.quondam.store;

import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Opens authenticated connections to the current Redis master: asked of the Sentinels in turn (or, on a Redis
 * Cluster, the master of one slot asked of the cluster's nodes in turn), then confirmed with ROLE, because a Sentinel
 * or a node may still name the old master for a moment during a failover. All reads and writes of the claim protocol
 * go to the master.
 */
final class RedisMasterLocator {
    private static final Logger log = LoggerFactory.getLogger(RedisMasterLocator.class);

    private final RedisSettings settings;
    private final JedisClientConfig redisConfig;
    private final JedisClientConfig sentinelConfig;
    /** On a Redis Cluster, the slot whose master this locator finds; -1 otherwise. */
    private final int slot;

    RedisMasterLocator(RedisSettings settings, String clientName) {
        this(settings, clientName, -1);
    }

    private RedisMasterLocator(RedisSettings settings, String clientName, int slot) {
        this.settings = settings;
        SSLSocketFactory tls = settings.tls().enabled() ? settings.tls().socketFactory() : null;
        this.redisConfig = clientConfig(settings, settings.user(), settings.password(), clientName, tls);
        this.sentinelConfig = clientConfig(settings, "", settings.sentinelPassword(), clientName, tls);
        this.slot = slot;
    }

    /** A locator of the master that serves {@code slot} of a Redis Cluster. */
    static RedisMasterLocator forSlot(RedisSettings settings, String clientName, int slot) {
        if (settings.mode() != RedisSettings.Mode.CLUSTER || slot < 0 || slot >= ClusterSlots.SLOTS) {
            throw new IllegalArgumentException("a slot's master needs cluster mode and a slot 0-16383, was "
                    + settings.mode() + " and " + slot);
        }
        return new RedisMasterLocator(settings, clientName, slot);
    }

    /** The cluster's slot map, asked of its nodes in turn (cluster mode only). */
    ClusterSlots clusterSlots() {
        JedisException last = null;
        for (String node : settings.nodes()) {
            try (var jedis = new Jedis(HostAndPort.from(node), redisConfig)) {
                return ClusterSlots.parse(jedis.clusterSlots());
            } catch (JedisException e) {
                last = e;
                log.debug("Cluster node {} did not give its slot map: {}", node, e.getMessage());
            }
        }
        throw new JedisConnectionException("no node of " + settings.nodes() + " gave the cluster's slot map", last);
    }

    private static JedisClientConfig clientConfig(RedisSettings settings, String user, String password, String name,
                                                  SSLSocketFactory sslSocketFactory) {
        var builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) settings.connectTimeout().toMillis())
                .socketTimeoutMillis((int) settings.socketTimeout().toMillis())
                .clientName(name)
                .autoNegotiateProtocol(false); // RESP2 is all we need; saves a HELLO and a WARN per connection
        if (!user.isEmpty()) {
            builder.user(user);
        }
        if (!password.isEmpty()) {
            builder.password(password);
        }
        if (sslSocketFactory != null) {
            builder.ssl(true).sslSocketFactory(sslSocketFactory).sslParameters(settings.tls().parameters());
        }
        return builder.build();
    }

    /** A connection to the master; throws {@link JedisConnectionException} when none can be confirmed now. */
    MasterConnection connect() {
        if (settings.mode() == RedisSettings.Mode.STANDALONE) {
            var address = HostAndPort.from(settings.address());
            return new MasterConnection(address, address, new Jedis(address, redisConfig));
        }
        var announced = settings.mode() == RedisSettings.Mode.CLUSTER ? clusterSlots().masterOf(slot) : askSentinels();
        var reachable = reachableAddress(announced);
        var connection = new MasterConnection(announced, reachable, new Jedis(reachable, redisConfig));
        try {
            if (!isMaster(connection.jedis())) {
                throw new JedisConnectionException(connection.describe() + " is not (or no longer) a master");
            }
            return connection;
        } catch (JedisException e) {
            connection.jedis().close();
            throw e;
        }
    }

    /**
     * Whether the node announced as {@code announced} answers ROLE as a master, within {@code timeout}; false when it
     * does not answer (killed, or out of reach: then it cannot tell).
     */
    boolean answersAsMaster(HostAndPort announced, int timeoutMillis) {
        var config = DefaultJedisClientConfig.builder().from(redisConfig)
                .connectionTimeoutMillis(timeoutMillis).socketTimeoutMillis(timeoutMillis).build();
        try (var jedis = new Jedis(reachableAddress(announced), config)) {
            return isMaster(jedis);
        } catch (JedisException e) {
            return false;
        }
    }

    private HostAndPort reachableAddress(HostAndPort announced) {
        String mapped = settings.addressMap().get(announced.getHost() + ":" + announced.getPort());
        return mapped == null ? announced : HostAndPort.from(mapped);
    }

    private static boolean isMaster(Jedis jedis) {
        List<Object> role = jedis.role();
        Object first = role.isEmpty() ? null : role.get(0);
        String name = first instanceof byte[] bytes ? new String(bytes) : String.valueOf(first);
        return "master".equals(name);
    }

    private HostAndPort askSentinels() {
        JedisException last = null;
        for (String sentinel : settings.sentinels()) {
            try (var jedis = new Jedis(HostAndPort.from(sentinel), sentinelConfig)) {
                List<String> address = jedis.sentinelGetMasterAddrByName(settings.masterName());
                if (address != null && address.size() == 2) {
                    return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
                }
                log.warn("Sentinel {} does not know master '{}'", sentinel, settings.masterName());
            } catch (JedisException e) {
                last = e;
                log.debug("Sentinel {} unreachable: {}", sentinel, e.getMessage());
            }
        }
        throw new JedisConnectionException("no Sentinel of " + settings.sentinels() + " named a master for '"
                + settings.masterName() + "'", last);
    }

    /**
     * An open connection to the master: {@code announced} is the master's address as Sentinel names it (its identity,
     * compared across reconnects to notice a failover), {@code reachable} the one connected to after
     * {@link RedisSettings#addressMap()}.
     */
    record MasterConnection(HostAndPort announced, HostAndPort reachable, Jedis jedis) {

        /** The announced address, and the mapped one when it differs: for logs and errors. */
        String describe() {
            return announced.equals(reachable) ? announced.toString() : announced + " via " + reachable;
        }
    }
}
