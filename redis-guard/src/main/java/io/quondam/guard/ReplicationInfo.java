package io.quondam.guard;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** The fields of a node's {@code INFO replication} that decide whether it may be promoted. */
record ReplicationInfo(Map<String, String> fields, List<Replica> replicas) {

    /** One {@code slaveN:} line of a master: the address the replica announced, its state and acknowledged offset. */
    record Replica(String ip, int port, String state, long offset) {
        boolean online() {
            return "online".equals(state);
        }
    }

    static ReplicationInfo parse(String info) {
        var fields = new HashMap<String, String>();
        var replicas = new ArrayList<Replica>();
        for (String line : info.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (line.startsWith("#") || colon < 0) {
                continue;
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            if (name.matches("slave\\d+")) {
                replicas.add(replica(value));
            } else {
                fields.put(name, value);
            }
        }
        return new ReplicationInfo(Map.copyOf(fields), List.copyOf(replicas));
    }

    private static Replica replica(String value) {
        var parts = new HashMap<String, String>();
        for (String pair : value.split(",")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                parts.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return new Replica(parts.getOrDefault("ip", ""), (int) number(parts.get("port")).orElse(-1),
                parts.getOrDefault("state", ""), number(parts.get("offset")).orElse(-1));
    }

    boolean isMaster() {
        return "master".equals(fields.get("role"));
    }

    boolean linkUp() {
        return "up".equals(fields.get("master_link_status"));
    }

    boolean syncing() {
        return "1".equals(fields.get("master_sync_in_progress"));
    }

    String masterHost() {
        return fields.getOrDefault("master_host", "");
    }

    int masterPort() {
        return (int) number(fields.get("master_port")).orElse(-1);
    }

    /** The replication history this node is on: its own as a master, its master's as a replica. */
    String replicationId() {
        return fields.getOrDefault("master_replid", "");
    }

    long masterOffset() {
        return number(fields.get("master_repl_offset")).orElse(-1);
    }

    /** How far a replica has processed its master's stream. */
    long replicaOffset() {
        return number(fields.get("slave_repl_offset")).orElse(-1);
    }

    private static OptionalLong number(String value) {
        if (value == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
