package io.quondam.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link LocalStack} starts and where: stack directory, ports on 127.0.0.1, passwords and topics. With
 * {@code redisShards} 0, Redis is a master, 2 replicas and 3 Sentinels: the first Redis port is the initial master,
 * the other two its replicas. Otherwise it is a Redis Cluster of that many shards, one replica each, and no Sentinel:
 * the first {@code redisShards} ports are the masters, the rest their replicas in the same order.
 */
public record StackOptions(Path dir, List<Integer> kafkaPorts, List<Integer> controllerPorts, List<Integer> redisPorts,
                           List<Integer> sentinelPorts, String redisPassword, String sentinelPassword,
                           String masterName, Map<String, Integer> topics, int redisShards) {

    public static final String MASTER_NAME = "quondam";
    /** The Redis ACL user the services connect as; the default user (full rights) is left to Sentinel and replicas. */
    public static final String SERVICE_USER = "quondam";
    public static final String SERVICE_PASSWORD = "quondam-service";
    private static final String SERVICE_USER_RULES = "service-user.acl";
    private static final Map<String, Integer> DEFAULT_TOPICS = defaultTopics();

    public StackOptions {
        kafkaPorts = List.copyOf(kafkaPorts);
        controllerPorts = List.copyOf(controllerPorts);
        redisPorts = List.copyOf(redisPorts);
        sentinelPorts = List.copyOf(sentinelPorts);
        topics = Map.copyOf(topics);
        if (redisShards == 0 && (redisPorts.size() != 3 || sentinelPorts.size() != 3)) {
            throw new IllegalArgumentException("the stack runs 3 Redis data nodes and 3 Sentinels, got "
                    + redisPorts + " and " + sentinelPorts);
        }
        if (redisShards != 0 && (redisPorts.size() != 2 * redisShards || !sentinelPorts.isEmpty())) {
            throw new IllegalArgumentException("a Redis Cluster of " + redisShards + " shards runs "
                    + 2 * redisShards + " data nodes and no Sentinel, got " + redisPorts + " and " + sentinelPorts);
        }
        if (kafkaPorts.isEmpty() || kafkaPorts.size() != controllerPorts.size()) {
            throw new IllegalArgumentException("every Kafka node needs a broker and a controller port, got "
                    + kafkaPorts + " and " + controllerPorts);
        }
    }

    /**
     * Fixed ports for scripts/stack.sh and a developer's tools: Kafka 19092, Redis 16379-16381, Sentinels 26379-26381.
     */
    public static StackOptions defaults(Path dir) {
        return new StackOptions(dir, List.of(19092), List.of(19093), List.of(16379, 16380, 16381),
                List.of(26379, 26380, 26381), "quondam-redis", "quondam-sentinel", MASTER_NAME, DEFAULT_TOPICS, 0);
    }

    /** Free ports picked now, so integration tests never clash with a running stack or with each other. */
    public static StackOptions ephemeral(Path dir) {
        List<Integer> ports = FreePorts.allocate(8);
        return new StackOptions(dir, ports.subList(0, 1), ports.subList(1, 2), ports.subList(2, 5), ports.subList(5, 8),
                "quondam-redis", "quondam-sentinel", MASTER_NAME, DEFAULT_TOPICS, 0);
    }

    public StackOptions withTopics(Map<String, Integer> partitionsByTopic) {
        return new StackOptions(dir, kafkaPorts, controllerPorts, redisPorts, sentinelPorts, redisPassword,
                sentinelPassword, masterName, partitionsByTopic, redisShards);
    }

    /**
     * The same stack with a Redis Cluster on {@code ports} instead of Sentinel's master, replicas and Sentinels: one
     * shard per pair of ports, the masters first. Each node also binds its cluster bus port, {@code port + 10000}.
     */
    public StackOptions withRedisCluster(List<Integer> ports) {
        return new StackOptions(dir, kafkaPorts, controllerPorts, ports, List.of(), redisPassword, sentinelPassword,
                masterName, topics, ports.size() / 2);
    }

    /** {@link #withRedisCluster(List)} of {@code shards} shards on free ports (their bus ports free too). */
    public StackOptions withRedisCluster(int shards) {
        return withRedisCluster(FreePorts.allocateWithCompanion(2 * shards, LocalRedisCluster.BUS_PORT_OFFSET));
    }

    /** Whether Redis runs as a Redis Cluster rather than a master with replicas and Sentinels. */
    public boolean redisCluster() {
        return redisShards > 0;
    }

    /** The same stack with {@code nodes} Kafka nodes; the ports of nodes beyond the first are picked free now. */
    public StackOptions withKafkaNodes(int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("at least one Kafka node, got " + nodes);
        }
        var brokers = new ArrayList<>(kafkaPorts.subList(0, 1));
        var controllers = new ArrayList<>(controllerPorts.subList(0, 1));
        List<Integer> extra = FreePorts.allocate(2 * (nodes - 1));
        for (int i = 0; i < nodes - 1; i++) {
            brokers.add(extra.get(2 * i));
            controllers.add(extra.get(2 * i + 1));
        }
        return new StackOptions(dir, brokers, controllers, redisPorts, sentinelPorts, redisPassword,
                sentinelPassword, masterName, topics, redisShards);
    }

    /** The first Kafka node's port, where scripts and tools reach the local Kafka. */
    public int kafkaPort() {
        return kafkaPorts.get(0);
    }

    /**
     * The ACL rules of {@link #SERVICE_USER} ({@code service-user.acl}, shared with the Kubernetes manifests): its
     * keys ({@code q:*}) and the commands the key store sends, directly or from its Lua scripts.
     */
    public static String serviceUserRules() {
        try (InputStream in = StackOptions.class.getResourceAsStream(SERVICE_USER_RULES)) {
            if (in == null) {
                throw new IllegalStateException(SERVICE_USER_RULES + " is missing from the test-support jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SERVICE_USER_RULES, e);
        }
    }

    public List<Integer> allPorts() {
        var ports = new ArrayList<Integer>();
        ports.addAll(kafkaPorts);
        ports.addAll(controllerPorts);
        ports.addAll(redisPorts);
        ports.addAll(sentinelPorts);
        if (redisCluster()) {
            ports.addAll(LocalRedisCluster.busPorts(redisPorts));
        }
        return ports;
    }

    private static Map<String, Integer> defaultTopics() {
        var topics = new LinkedHashMap<String, Integer>();
        for (String topic : List.of("payments", "payments.dedup", "payments.dlq", "payments.duplicates")) {
            topics.put(topic, 6);
        }
        return topics;
    }

    @Override
    public String toString() {
        return "StackOptions[dir=" + dir + ", kafka=" + kafkaPorts + ", controllers=" + controllerPorts + ", redis="
                + redisPorts + (redisCluster() ? " (cluster of " + redisShards + " shards)" : "") + ", sentinels="
                + sentinelPorts + ", master=" + masterName + ", topics=" + topics + "]";
    }
}
