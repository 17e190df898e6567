package io.quondam.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the key store's Redis is and how to talk to it. In {@code SENTINEL} mode the master is discovered through
 * {@code sentinels} by {@code masterName}; in {@code STANDALONE} mode {@code address} is used as it is (development);
 * in {@code CLUSTER} mode each key's master is found through any of the cluster's {@code nodes}.
 * Empty strings mean "not set" for user and passwords. {@code addressMap} translates a master address as Sentinel
 * announces it ({@code host:port}) into the one to connect to instead: for a Sentinel behind NAT or port forwarding,
 * and for tests that route one client through a proxy. A master not in it is used as announced.
 */
public record RedisSettings(
        Mode mode,
        List<String> sentinels,
        String masterName,
        String address,
        List<String> nodes,
        String user,
        String password,
        String sentinelPassword,
        Duration connectTimeout,
        Duration socketTimeout,
        RetryPolicy retry,
        Map<String, String> addressMap,
        RedisTls tls) {

    /** How the master is found. */
    public enum Mode { SENTINEL, STANDALONE, CLUSTER }

    public RedisSettings {
        Objects.requireNonNull(mode, "mode");
        sentinels = List.copyOf(sentinels);
        Objects.requireNonNull(masterName, "masterName");
        Objects.requireNonNull(address, "address");
        nodes = List.copyOf(nodes);
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(sentinelPassword, "sentinelPassword");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(socketTimeout, "socketTimeout");
        Objects.requireNonNull(retry, "retry");
        addressMap = Map.copyOf(addressMap);
        Objects.requireNonNull(tls, "tls");
        if (mode == Mode.SENTINEL && (sentinels.isEmpty() || masterName.isBlank())) {
            throw new IllegalArgumentException("sentinel mode needs sentinel addresses and a master name");
        }
        if (mode == Mode.STANDALONE && address.isBlank()) {
            throw new IllegalArgumentException("standalone mode needs an address");
        }
        if (mode == Mode.CLUSTER && nodes.isEmpty()) {
            throw new IllegalArgumentException("cluster mode needs the address of at least one node");
        }
    }

    public static RedisSettings sentinel(List<String> sentinels, String masterName, String password,
                                         String sentinelPassword) {
        return new RedisSettings(Mode.SENTINEL, sentinels, masterName, "", List.of(), "", password, sentinelPassword,
                Duration.ofSeconds(2), Duration.ofSeconds(2), RetryPolicy.defaults(), Map.of(), RedisTls.OFF);
    }

    public static RedisSettings standalone(String address, String password) {
        return new RedisSettings(Mode.STANDALONE, List.of(), "", address, List.of(), "", password, "",
                Duration.ofSeconds(2), Duration.ofSeconds(2), RetryPolicy.defaults(), Map.of(), RedisTls.OFF);
    }

    /** A Redis Cluster, found through any of {@code nodes} ({@code host:port}). */
    public static RedisSettings cluster(List<String> nodes, String password) {
        return new RedisSettings(Mode.CLUSTER, List.of(), "", "", nodes, "", password, "",
                Duration.ofSeconds(2), Duration.ofSeconds(2), RetryPolicy.defaults(), Map.of(), RedisTls.OFF);
    }

    /**
     * The same, connecting to the data nodes as the ACL {@code user} (empty: the default user) with {@code password}.
     */
    public RedisSettings withUser(String user, String password) {
        return new RedisSettings(mode, sentinels, masterName, address, nodes, user, password, sentinelPassword,
                connectTimeout, socketTimeout, retry, addressMap, tls);
    }

    /** The same over TLS (or without, given {@link RedisTls#OFF}), to the data nodes and the Sentinels alike. */
    public RedisSettings withTls(RedisTls settings) {
        return new RedisSettings(mode, sentinels, masterName, address, nodes, user, password, sentinelPassword,
                connectTimeout, socketTimeout, retry, addressMap, settings);
    }

    public RedisSettings withRetry(RetryPolicy policy) {
        return new RedisSettings(mode, sentinels, masterName, address, nodes, user, password, sentinelPassword,
                connectTimeout, socketTimeout, policy, addressMap, tls);
    }

    public RedisSettings withTimeouts(Duration connect, Duration socket) {
        return new RedisSettings(mode, sentinels, masterName, address, nodes, user, password, sentinelPassword,
                connect, socket, retry, addressMap, tls);
    }

    public RedisSettings withAddressMap(Map<String, String> announcedToReachable) {
        return new RedisSettings(mode, sentinels, masterName, address, nodes, user, password, sentinelPassword,
                connectTimeout, socketTimeout, retry, announcedToReachable, tls);
    }

    @Override
    public String toString() {
        // Never print passwords.
        return "RedisSettings[mode=" + mode + ", sentinels=" + sentinels + ", masterName=" + masterName
                + ", address=" + address + ", nodes=" + nodes + ", user=" + user
                + ", password=" + (password.isEmpty() ? "" : "***")
                + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + ", retry=" + retry
                + ", addressMap=" + addressMap + ", tls=" + tls + "]";
    }
}
