package io.quondam.stack;

import java.nio.file.Path;
import java.util.OptionalInt;

/** redis.conf of a data node: a master, or a replica of {@code masterPort}; the settings we ship, AUTH on. */
record RedisNodeConfig(int port, Path dir, String password, OptionalInt masterPort) {

    public static RedisNodeConfig master(int port, Path dir, String password) {
        return new RedisNodeConfig(port, dir, password, OptionalInt.empty());
    }

    public static RedisNodeConfig replica(int port, Path dir, String password, int masterPort) {
        return new RedisNodeConfig(port, dir, password, OptionalInt.of(masterPort));
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
                // Never promotable until its guard (redis-guard) sees it online and caught up with its master.
                .append("replica-priority 0\n")
                .append("repl-diskless-sync yes\n")
                .append("repl-diskless-sync-delay 0\n")
                // Empty logfile means stdout, which ChildProcess sends to logs/<name>.log with any startup error.
                .append("logfile \"\"\n")
                .append("dir ").append(dir).append('\n');
        masterPort.ifPresent(master -> conf.append("replicaof 127.0.0.1 ").append(master).append('\n'));
        return conf.toString();
    }
}
