package io.quondam.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The fault matrix of issue 8, each scenario streaming duplicated payments through the whole local pipeline. The
 * eighth (the old master isolated together with the processor while the others elect a new one) needs a network
 * partition between processes on one loopback interface and is not built yet.
 */
final class ChaosScenarios {
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(60);

    private ChaosScenarios() {
    }

    static List<ChaosScenario> all() {
        return List.of(
                new ChaosScenario("redis-master-kill", "kill -9 the Redis master every 30 s", Duration.ofMinutes(3), 1,
                        false, Map.of(), ChaosScenarios::killRedisMasters),
                new ChaosScenario("processor-kill", "two processors; kill -9 one every 60 s", Duration.ofMinutes(3), 2,
                        false, Map.of(), ChaosScenarios::killProcessors),
                new ChaosScenario("broker-restart", "kill -9 the Kafka broker mid-stream and start it again",
                        Duration.ofSeconds(90), 1, false, Map.of(), ChaosScenarios::restartBroker),
                new ChaosScenario("redis-unreachable", "blackhole between processor and Redis for 20 s",
                        Duration.ofSeconds(90), 1, true, Map.of(), ChaosScenarios::blackholeRedis),
                new ChaosScenario("redis-slow", "200 ms added to every processor-Redis exchange for 60% of the run",
                        Duration.ofSeconds(90), 1, true, Map.of(), ChaosScenarios::slowRedis),
                new ChaosScenario("sentinels-down", "two of three Sentinels and then the master killed; no failover "
                        + "until the Sentinels return", Duration.ofMinutes(2), 1, false, Map.of(), ChaosScenarios::loseQuorum),
                new ChaosScenario("sentinels-down-wait-all", "the same, with every claim on both replicas before its "
                        + "commit (QUONDAM_MIN_REPLICAS=2)", Duration.ofMinutes(2), 1, false,
                        Map.of("QUONDAM_MIN_REPLICAS", "2"), ChaosScenarios::loseQuorum),
                new ChaosScenario("double-failover", "kill -9 the master, then the new master 3 s after its "
                        + "promotion, while the old one rejoins empty", Duration.ofSeconds(90), 1, false, Map.of(),
                        ChaosScenarios::failOverTwice),
                new ChaosScenario("double-failover-wait-all", "the same with QUONDAM_MIN_REPLICAS=2",
                        Duration.ofSeconds(90), 1, false, Map.of("QUONDAM_MIN_REPLICAS", "2"),
                        ChaosScenarios::failOverTwice),
                new ChaosScenario("postgres-restart", "PostgreSQL restarted under the payments-consumer",
                        Duration.ofSeconds(90), 1, false, Map.of(), ChaosScenarios::restartPostgres));
    }

    private static void killRedisMasters(ChaosRun.Faults faults) throws InterruptedException {
        var every = faults.every(Duration.ofSeconds(30), Duration.ofSeconds(10));
        Thread.sleep(every.toMillis());
        while (faults.before(0.9)) {
            // Each kill hits a settled topology: the fault under test is one lost master, not two in a row before a
            // replica has caught up with the new one.
            faults.stack.awaitSettled(FAILOVER_TIMEOUT);
            String old = faults.stack.currentMasterAddress();
            faults.stack.killRedisMaster();
            faults.note("killed the Redis master %s; Sentinel promoted %s", old,
                    faults.stack.awaitNewMaster(old, FAILOVER_TIMEOUT));
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
        faults.stack.broker().kill9();
        faults.note("killed the Kafka broker (kill -9)");
        faults.hold(Duration.ofSeconds(10), Duration.ofSeconds(3));
        faults.stack.broker().restart();
        faults.note("the broker is back");
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
        int masterPort = Integer.parseInt(master.substring(master.lastIndexOf(':') + 1));
        var sentinels = stack.killSentinels(2);
        stack.redisNode(masterPort).process().kill9();
        faults.note("killed Sentinels %s and then the master %s: no majority can authorise a failover", sentinels,
                master);
        faults.hold(Duration.ofSeconds(20), Duration.ofSeconds(8));
        sentinels.forEach(stack::restartSentinel);
        faults.note("Sentinels %s back; Sentinel promoted %s", sentinels, stack.awaitNewMaster(master,
                FAILOVER_TIMEOUT));
    }

    /**
     * Two masters lost in a row, the second while the topology is still settling: the case in which Sentinel may
     * promote a replica that did not acknowledge the claims WAIT confirmed through another one.
     */
    private static void failOverTwice(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.3);
        var stack = faults.stack;
        String first = stack.currentMasterAddress();
        stack.killRedisMaster();
        String second = stack.awaitNewMaster(first, FAILOVER_TIMEOUT);
        faults.note("killed the Redis master %s; Sentinel promoted %s", first, second);
        Thread.sleep(3_000);
        stack.killRedisMaster();
        faults.note("killed the new master %s too; Sentinel promoted %s", second,
                stack.awaitNewMaster(second, FAILOVER_TIMEOUT));
    }

    private static void restartPostgres(ChaosRun.Faults faults) throws InterruptedException {
        faults.at(0.4);
        faults.stack.postgres().restart();
        faults.note("PostgreSQL restarted (fast shutdown, then start on the same data)");
    }
}
