package io.quondam.stack;

import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * redis.conf of a data node: a master, or a replica of {@code masterPort}, or a Redis Cluster node (which learns its
 * role when the cluster is formed); the settings we ship, AUTH on.
 */
record RedisNodeConfig(int port, Path dir, String password, OptionalInt masterPort, boolean cluster) {

    RedisNodeConfig(int port, Path dir, String password, OptionalInt masterPort) {
        this(port, dir, password, masterPort, false);
    }

    public static RedisNodeConfig master(int port, Path dir, String password) {
        return new RedisNodeConfig(port, dir, password, OptionalInt.empty());
    }

    public static RedisNodeConfig replica(int port, Path dir, String password, int masterPort) {
        return new RedisNodeConfig(port, dir, password, OptionalInt.of(masterPort));
    }

    public static RedisNodeConfig clusterNode(int port, Path dir, String password) {
        return new RedisNodeConfig(port, dir, password, OptionalInt.empty(), true);
    }

    public String render() {
        var conf = new StringBuilder()
                .append("bind 127.0.0.1\n")
                .append("port ").append(port).append('\n')
                .append("daemonize no\n")
                .append("requirepass ").append(password).append('\n')
                // Every node may become master, and a replica must authenticate to whichever node that is.
                .append("masterauth ").append(password).append('\n')
                // The services' user: only the commands and keys Quondam uses (the same rules as k8s/base/redis).
                .append("user ").append(StackOptions.SERVICE_USER).append(" on >").append(StackOptions.SERVICE_PASSWORD)
                .append(' ').append(StackOptions.serviceUserRules()).append('\n')
                .append("save \"\"\n")
                .append("appendonly no\n")
                // A master refuses writes unless a replica is at most 5 s behind: bounds what a failover can lose.
                .append("min-replicas-to-write 1\n")
                .append("min-replicas-max-lag 5\n")
                .append("repl-diskless-sync yes\n")
                .append("repl-diskless-sync-delay 0\n")
                // Empty logfile means stdout, which ChildProcess sends to logs/<name>.log with any startup error.
                .append("logfile \"\"\n")
                .append("dir ").append(dir).append('\n');
        masterPort.ifPresent(master -> conf.append("replicaof 127.0.0.1 ").append(master).append('\n'));
        if (!cluster) {
            // Never promotable until its guard (redis-guard) sees it online and caught up with its master.
            conf.append("replica-priority 0\n");
        } else {
            conf.append("cluster-enabled yes\n")
                    .append("cluster-config-file ").append(dir.resolve("nodes.conf")).append('\n')
                    // A shard's replica stands for election after 2 s without its master.
                    .append("cluster-node-timeout 2000\n")
                    // The other shards keep answering while one has no master.
                    .append("cluster-require-full-coverage no\n")
                    // A replica that has not synced since it started never stands for election (docs/durability.md).
                    .append("cluster-replica-validity-factor 10\n");
        }
        return conf.toString();
    }
}
