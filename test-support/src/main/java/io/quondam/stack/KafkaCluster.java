package io.quondam.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Kafka: KRaft nodes that are each broker and controller, in child JVMs on 127.0.0.1. One node by default;
 * the broker-crash scenario runs three, because a crashed single node can lose a committed transaction's markers.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final List<KafkaNode> nodes;
    private final int replicationFactor;

    private KafkaCluster(List<KafkaNode> nodes, int replicationFactor) {
        this.nodes = List.copyOf(nodes);
        this.replicationFactor = replicationFactor;
    }

    /**
     * Formats fresh log dirs and starts one node per port pair without waiting for them; see {@link #awaitReady}. A
     * single node is called {@code kafka}, the nodes of a cluster {@code kafka-1}, {@code kafka-2}, ...
     */
    public static KafkaCluster launch(StackLayout layout, List<Integer> ports, List<Integer> controllerPorts) {
        String clusterId = Uuid.randomUuid().toString();
        String heap = ports.size() == 1 ? "768m" : "512m";
        var nodes = new ArrayList<KafkaNode>();
        for (int id = 1; id <= ports.size(); id++) {
            String name = ports.size() == 1 ? "kafka" : "kafka-" + id;
            nodes.add(KafkaNode.launch(layout, name, id, ports, controllerPorts, clusterId, heap));
        }
        return new KafkaCluster(nodes, BrokerProperties.replicationFactor(ports.size()));
    }

    /** Waits until every node accepts connections and describeCluster lists all of them. */
    public void awaitReady(Duration timeout) {
        for (var node : nodes) {
            Await.until(timeout, node::acceptsConnections, "Kafka to listen on " + node.address());
        }
        try (Admin admin = admin()) {
            Await.until(timeout, () -> {
                nodes.forEach(KafkaNode::requireAlive);
                return registeredNodes(admin) == nodes.size();
            }, "Kafka at " + bootstrapServers() + " to list its " + nodes.size() + " node(s) in describeCluster");
        }
        LOG.info("Kafka ready at {}", bootstrapServers());
    }

    public String bootstrapServers() {
        return nodes.stream().map(KafkaNode::address).collect(Collectors.joining(","));
    }

    public int size() {
        return nodes.size();
    }

    /** A new Admin client for this cluster; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Creates the topics (name to partition count, with the cluster's replication); existing ones are left alone. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        var topics = partitionsByTopic.entrySet().stream()
                .map(topic -> new NewTopic(topic.getKey(), topic.getValue(), (short) replicationFactor))
                .toList();
        try (Admin admin = admin()) {
            // Right after start a node may not be registered yet, which shows as a retriable error.
            Await.until(READY_TIMEOUT, () -> topics.stream().allMatch(topic -> created(admin, topic)),
                    "topics " + partitionsByTopic.keySet() + " to be created");
        }
    }

    /**
     * Graceful stop and start of every node on its log dirs (no reformat), one after the other as a rolling restart
     * does, so that a cluster keeps its controller quorum; returns once all are ready again.
     */
    public void restart() {
        for (var node : nodes) {
            node.stop(STOP_GRACE);
            node.start();
            awaitReady(READY_TIMEOUT);
        }
    }

    /** kill -9 of node {@code id} (from 1); the others, if any, carry on. */
    public void kill9(int id) {
        node(id).kill9();
    }

    /** Starts node {@code id} again on its log dirs and returns once the whole cluster is ready. */
    public void start(int id) {
        node(id).start();
        awaitReady(READY_TIMEOUT);
    }

    public String nodeName(int id) {
        return node(id).name();
    }

    public List<ChildProcess> processes() {
        return nodes.stream().map(KafkaNode::process).toList();
    }

    /** kill -9 of every node. */
    @Override
    public void close() {
        nodes.forEach(KafkaNode::kill9);
    }

    private KafkaNode node(int id) {
        if (id < 1 || id > nodes.size()) {
            throw new IllegalArgumentException("no Kafka node " + id + "; nodes are 1.." + nodes.size());
        }
        return nodes.get(id - 1);
    }

    private static int registeredNodes(Admin admin) {
        try {
            return admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size();
        } catch (ExecutionException | TimeoutException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted waiting for Kafka", e);
        }
    }

    private static boolean created(Admin admin, NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
            LOG.info("Created topic {} with {} partitions and {} replica(s)", topic.name(), topic.numPartitions(),
                    topic.replicationFactor());
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return true;
            }
            if (e.getCause() instanceof RetriableException
                    || e.getCause() instanceof InvalidReplicationFactorException) {
                return false;
            }
            throw new StackException("cannot create topic " + topic.name(), e.getCause());
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted creating topic " + topic.name(), e);
        }
    }
}
