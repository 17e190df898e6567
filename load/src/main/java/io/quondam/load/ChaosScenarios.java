package io.quondam.load;

import io.quondam.stack.LocalStack;
import io.quondam.stack.RedisEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The fault matrix, each scenario streaming duplicated payments through the whole local pipeline (docs/chaos.md).
 */
final class ChaosScenarios {
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);
    /** Keys put in Redis before restart-empty-then-kill, so that a full resync takes seconds, not milliseconds. */
    static final int FILL_KEYS = 1_000_000;
    private static final int CLUSTER_SHARDS = 3;

    private ChaosScenarios() {
    }

    static List<ChaosScenario> all() {
        return List.of(
                new ChaosScenario("redis-master-kill", "kill -9 the Redis master every 30 s", Duration.ofMinutes(3), 1,
                        false, Map.of(), ChaosScenarios::killRedisMasters),
                new ChaosScenario("processor-kill", "two processors; kill -9 one every 60 s", Duration.ofMinutes(3), 2,
                        false, Map.of(), ChaosScenarios::killProcessors),
                // Three nodes: a crash of a single-node KRaft cluster can lose a committed transaction
                // (docs/design.md, "Kafka forensics").
                new ChaosScenario("broker-restart", "kill -9 one of three Kafka nodes mid-stream and start it again",
                        Duration.ofSeconds(90), 1, false, Map.of(), ChaosScenarios::restartBroker, 3),
                new ChaosScenario("redis-unreachable", "blackhole between processor and Redis for 20 s",
                        Duration.ofSeconds(90), 1, true, Map.of(), ChaosScenarios::blackholeRedis),
                new ChaosScenario("redis-slow", "200 ms added to every processor-Redis exchange for 60% of the run",
                        Duration.ofSeconds(90), 1, true, Map.of(), ChaosScenarios::slowRedis),
                new ChaosScenario("sentinels-down", "two of three Sentinels and then the master killed; no failover "
                        + "until the Sentinels return", Duration.ofMinutes(2), 1, false, Map.of(),
                        ChaosScenarios::loseQuorum),
                new ChaosScenario("double-failover", "kill -9 the master, then the new master 3 s after its "
                        + "promotion, while the old one rejoins empty", Duration.ofSeconds(90), 1, false, Map.of(),
                        ChaosScenarios::failOverTwice),
                new ChaosScenario("restart-empty-then-kill", "kill -9 the master; start it again empty with "
                        + FILL_KEYS / 1000 + "k keys to resync, and kill the new master before that resync ends",
                        Duration.ofSeconds(90), 1, false, Map.of(), ChaosScenarios::killDuringResync),
                new ChaosScenario("replica-away", "one replica down for 60 s, then back empty; the master killed "
                        + "as soon as it has resynced", Duration.ofMinutes(2), 1, false, Map.of(),
                        ChaosScenarios::replicaAway),
                new ChaosScenario("stale-replica", "one replica paused (SIGSTOP) for 10 s while claims flow, "
                        + "so that it "
                        + "falls behind; the master killed as it resumes", Duration.ofSeconds(90), 1, false, Map.of(),
                        ChaosScenarios::staleReplica),
                new ChaosScenario("master-partitioned", "the master cut off from Sentinels and replicas for 20 s while "
                        + "the processor still reaches it; Sentinel promotes another", Duration.ofSeconds(90), 1, false,
                        Map.of(), ChaosScenarios::partitionMaster),
                new ChaosScenario("postgres-restart", "PostgreSQL restarted under the payments-consumer",
                        Duration.ofSeconds(90), 1, false, Map.of(), ChaosScenarios::restartPostgres),
                new ChaosScenario("cluster-master-kill", "Redis Cluster of 3 shards; kill -9 one shard's master "
                        + "every 30 s, the shards in turn", Duration.ofMinutes(3), 1, false, Map.of(),
                        ChaosScenarios::killRedisMasters, 1, CLUSTER_SHARDS));
    }

    private static void killRedisMasters(ChaosRun.Faults faults) throws InterruptedException {
        var every = faults.every(Duration.ofSeconds(30), Duration.ofSeconds(10));
        Thread.sleep(every.toMillis());
        while (faults.before(0.9)) {
            // Each kill hits a settled topology: the fault under test is one lost master, not two in a row before a
            // replica has caught up with the new one.
            faults.stack.awaitSettled(FAILOVER_TIMEOUT);
            failOver(faults, "the Redis master");
            Thread.sleep(every.toMillis());
        }
    }

    private static void killProcessors(ChaosRun.Faults faults) throws InterruptedException {
        var every = faults.every(Duration.ofSeconds(60), Duration.ofSeconds(15));
        Thread.sleep(every.toMillis());
        for (int victim = 0; faults.before(0.9); victim = (victim + 1) % 2) {
            var processor = faults.services.processors().get(victim);
            processor.kill9();
            faults.note("killed %s (kill -9); the other one takes over its partitions", processor.name());
            Thread.sleep(every.toMillis());
        }
    }

    private static void restartBroker(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.4);
        var kafka = faults.stack.kafka();
        kafka.kill9(1);
        faults.note("killed Kafka node %s (kill -9)", kafka.nodeName(1));
        faults.hold(Duration.ofSeconds(10), Duration.ofSeconds(3));
        kafka.start(1);
        faults.note("%s is back", kafka.nodeName(1));
    }

    private static void blackholeRedis(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.3);
        faults.proxies.blackhole();
        faults.note("Redis unreachable from the processor (blackhole)");
        faults.hold(Duration.ofSeconds(20), Duration.ofSeconds(5));
        faults.proxies.pass();
        faults.note("Redis reachable again");
    }

    private static void slowRedis(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.2);
        faults.proxies.delay(Duration.ofMillis(200));
        faults.note("200 ms added to every exchange between processor and Redis");
        faults.at(0.8);
        faults.proxies.pass();
        faults.note("Redis at full speed again");
    }

    private static void loseQuorum(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.3);
        var stack = faults.stack;
        String master = stack.currentMasterAddress();
        int masterPort = port(master);
        var sentinels = stack.killSentinels(2);
        stack.redisNode(masterPort).process().kill9();
        var offsets = replicaOffsets(stack, masterPort);
        faults.note("killed Sentinels %s and then the master %s: no majority can authorise a failover", sentinels,
                master);
        faults.hold(Duration.ofSeconds(20), Duration.ofSeconds(8));
        sentinels.forEach(stack::restartSentinel);
        String promoted = stack.awaitNewMaster(master, FAILOVER_TIMEOUT);
        faults.note("Sentinels %s back; Sentinel promoted %s%s", sentinels, promoted, promotionGap(offsets, promoted));
    }

    /**
     * Two masters lost in a row, the second while the topology is still settling: the case in which Sentinel may
     * promote a replica that did not acknowledge the claims WAIT confirmed through another one.
     */
    private static void failOverTwice(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.3);
        failOver(faults, "the Redis master");
        Thread.sleep(3_000);
        failOver(faults, "the new master");
    }

    /**
     * The killed master comes back empty and starts a full resync from the promoted replica, which is killed before
     * that resync ends: the only promotable node left is the other replica, which held every confirmed claim. The
     * resyncing node must not be promoted (its guard keeps it at replica-priority 0), or every claim is forgotten.
     */
    private static void killDuringResync(ChaosRun.Faults faults) throws InterruptedException {
        var stack = faults.stack;
        RedisFill.fill(stack, FILL_KEYS);
        faults.note("%,d keys in Redis", FILL_KEYS);
        faults.at(0.3);
        String old = stack.currentMasterAddress();
        int killed = port(old);
        faults.services.leaveRedisNode(killed);
        try {
            stack.killRedisMaster();
            String promoted = stack.awaitNewMaster(old, FAILOVER_TIMEOUT);
            faults.note("killed the master %s; Sentinel promoted %s", old, promoted);
            var back = java.util.concurrent.CompletableFuture.runAsync(() -> stack.restartRedisNode(killed));
            var restarted = RedisEndpoint.local(killed, stack.redisPassword());
            io.quondam.stack.Await.until(FAILOVER_TIMEOUT, () -> restarted.syncing(Duration.ofMillis(500))
                    || back.isDone(), old + " to start its full resync");
            boolean resyncing = restarted.syncing(Duration.ofMillis(500));
            int priority = restarted.replicaPriority(Duration.ofMillis(500));
            String second = stack.currentMasterAddress();
            stack.killRedisMaster();
            faults.note("%s restarted empty, %s (replica-priority %d); killed the new master %s", old,
                    resyncing ? "in its full resync" : "ALREADY RESYNCED", priority, second);
            String third = stack.awaitNewMaster(second, FAILOVER_TIMEOUT);
            faults.note("Sentinel promoted %s%s", third, third.equals(old) ? " (THE RESYNCING NODE: claims lost)" : "");
            back.join();
        } finally {
            faults.services.superviseRedisNode(killed);
        }
    }

    /** One replica away (claims go on with the other), back empty; the master killed the moment it has resynced. */
    private static void replicaAway(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.2);
        var stack = faults.stack;
        int away = replicaPort(stack);
        faults.services.leaveRedisNode(away);
        try {
            stack.redisNode(away).process().kill9();
            faults.note("killed the replica redis-%d (kill -9); claims go on with the other replica", away);
            faults.hold(Duration.ofSeconds(60), Duration.ofSeconds(10));
            stack.restartRedisNode(away);
            faults.note("redis-%d back empty and resynced (replica-priority %d)", away,
                    RedisEndpoint.local(away, stack.redisPassword()).replicaPriority(Duration.ofMillis(500)));
            failOver(faults, "the master");
        } finally {
            faults.services.superviseRedisNode(away);
        }
    }

    /** One replica falls behind (paused); the master dies as it resumes, before it has caught up. */
    private static void staleReplica(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.3);
        var stack = faults.stack;
        var stale = stack.redisNode(replicaPort(stack));
        stale.process().pause();
        faults.note("paused the replica %s (SIGSTOP): it acknowledges nothing, so no claim is confirmed", stale);
        faults.hold(Duration.ofSeconds(10), Duration.ofSeconds(5));
        stale.process().resume();
        failOver(faults, "the master as the paused replica resumed,");
    }

    private static int replicaPort(LocalStack stack) {
        int master = port(stack.currentMasterAddress());
        return stack.options().redisPorts().stream().filter(port -> port != master).findFirst().orElseThrow();
    }

    /**
     * kill -9 of the master; notes whom Sentinel promoted and whether that replica held all of the old master's writes.
     * On a Redis Cluster, of one shard's master (the shards in turn), whose replica the other masters elect; the
     * supervisor then starts the killed node again as the new master's replica, as a StatefulSet would.
     */
    private static void failOver(ChaosRun.Faults faults, String which) {
        var stack = faults.stack;
        if (stack.options().redisCluster()) {
            var failover = stack.failOverRedis(FAILOVER_TIMEOUT);
            faults.note("killed %s %s, a shard's master; the cluster promoted its replica %s", which,
                    failover.killed(), failover.promoted());
            return;
        }
        String old = stack.currentMasterAddress();
        int killed = stack.killRedisMaster();
        var offsets = replicaOffsets(stack, killed);
        String promoted = stack.awaitNewMaster(old, FAILOVER_TIMEOUT);
        faults.note("killed %s %s; Sentinel promoted %s%s", which, old, promoted, promotionGap(offsets, promoted));
    }

    /**
     * The replicas' offsets (every data node but {@code oldMaster}) once they have read what the old master had sent
     * (two equal readings in a row): the offsets do not move again until Sentinel promotes one of them, which takes at
     * least down-after (1 s).
     */
    private static Map<Integer, Long> replicaOffsets(LocalStack stack, int oldMaster) {
        var offsets = replicaOffsetsNow(stack, oldMaster);
        for (int reading = 0; reading < 20; reading++) {
            var again = replicaOffsetsNow(stack, oldMaster);
            if (again.equals(offsets)) {
                break;
            }
            offsets = again;
        }
        return offsets;
    }

    private static Map<Integer, Long> replicaOffsetsNow(LocalStack stack, int oldMaster) {
        var offsets = stack.replicationOffsets();
        offsets.remove(oldMaster);
        return offsets;
    }

    /**
     * Sentinel chooses among replicas by the offsets it last read from them, possibly seconds old; when it promotes one
     * that had read less of the dead master's stream than another, writes that WAIT confirmed through that other
     * replica are gone.
     */
    static String promotionGap(Map<Integer, Long> offsets, String promoted) {
        int port = port(promoted);
        Long own = offsets.get(port);
        var ahead = offsets.entrySet().stream().filter(e -> e.getKey() != port).max(Map.Entry.comparingByValue());
        if (own == null || ahead.isEmpty()) {
            return "";
        }
        long gap = ahead.get().getValue() - own;
        return gap > 0
                ? String.format(" (BEHIND: it had read %,d bytes less of the old master's stream than %d; writes"
                        + " acknowledged by %d alone are lost)", gap, ahead.get().getKey(), ahead.get().getKey())
                : " (it had read all of the old master's stream)";
    }

    /**
     * The partition Sentinel cannot handle: the old master keeps a client (the processor) while the others elect a new
     * one. The old master accepts claims until {@code min-replicas-max-lag} (5 s) passes without a replica; none of
     * them can be confirmed by WAIT, so none may be committed. When the partition heals Sentinel turns the old master
     * into a replica, and what only it held is gone.
     */
    private static void partitionMaster(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.3);
        var stack = faults.stack;
        String old = stack.currentMasterAddress();
        int port = port(old);
        stack.isolate(port);
        var offsets = replicaOffsets(stack, port);
        faults.note("cut the master %s off from Sentinels and replicas; the processor still reaches it", old);
        String promoted = stack.awaitNewMaster(old, FAILOVER_TIMEOUT);
        faults.note("Sentinel promoted %s%s", promoted, promotionGap(offsets, promoted));
        faults.hold(Duration.ofSeconds(20), Duration.ofSeconds(8));
        stack.heal(port);
        faults.note("partition healed: Sentinel turns %s into a replica of %s", old, promoted);
        stack.awaitSettled(FAILOVER_TIMEOUT);
    }

    /** The port of a {@code host:port} address as Sentinel reports it. */
    private static int port(String address) {
        return RedisEndpoint.parse(address, "").port();
    }

    private static void restartPostgres(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.4);
        faults.stack.postgres().restart();
        faults.note("PostgreSQL restarted (fast shutdown, then start on the same data)");
    }
}
