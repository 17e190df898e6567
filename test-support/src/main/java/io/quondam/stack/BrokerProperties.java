package io.quondam.stack;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * server.properties of one node of a KRaft cluster on 127.0.0.1 in which every node is broker and controller. Node
 * {@code i} (from 1) listens on {@code ports[i-1]} and {@code controllerPorts[i-1]}. Topics get up to 3 replicas, and
 * with more than one a write needs 2 of them.
 */
record BrokerProperties(int nodeId, List<Integer> ports, List<Integer> controllerPorts, Path logDir) {

    BrokerProperties {
        ports = List.copyOf(ports);
        controllerPorts = List.copyOf(controllerPorts);
        if (ports.size() != controllerPorts.size() || nodeId < 1 || nodeId > ports.size()) {
            throw new IllegalArgumentException("node " + nodeId + " of " + ports + " / " + controllerPorts);
        }
    }

    /** Replicas of every topic, internal ones included: the node count, at most 3. */
    static int replicationFactor(int nodes) {
        return Math.min(nodes, 3);
    }

    private int minInSyncReplicas() {
        return replicationFactor(ports.size()) > 1 ? 2 : 1;
    }

    public Map<String, String> asMap() {
        int port = ports.get(nodeId - 1);
        int controllerPort = controllerPorts.get(nodeId - 1);
        String replicas = Integer.toString(replicationFactor(ports.size()));
        String minIsr = Integer.toString(minInSyncReplicas());
        var properties = new LinkedHashMap<String, String>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", Integer.toString(nodeId));
        properties.put("controller.quorum.voters", IntStream.rangeClosed(1, ports.size())
                .mapToObj(id -> id + "@127.0.0.1:" + controllerPorts.get(id - 1))
                .collect(Collectors.joining(",")));
        properties.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("log.dirs", logDir.toString());
        // Internal topics are never created when they ask for more replicas than there are nodes.
        properties.put("offsets.topic.replication.factor", replicas);
        properties.put("offsets.topic.num.partitions", "6");
        properties.put("transaction.state.log.replication.factor", replicas);
        properties.put("transaction.state.log.min.isr", minIsr);
        properties.put("transaction.state.log.num.partitions", "6");
        properties.put("share.coordinator.state.topic.replication.factor", replicas);
        properties.put("share.coordinator.state.topic.min.isr", minIsr);
        properties.put("default.replication.factor", replicas);
        properties.put("min.insync.replicas", minIsr);
        properties.put("group.initial.rebalance.delay.ms", "0");
        properties.put("auto.create.topics.enable", "false");
        properties.put("num.partitions", "6");
        return properties;
    }

    public String render() {
        return asMap().entrySet().stream()
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
