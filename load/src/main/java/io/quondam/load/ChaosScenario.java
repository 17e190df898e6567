package io.quondam.load;

import java.time.Duration;
import java.util.Map;

/**
 * One row of the fault matrix: how long payments stream in (before {@code CHAOS_SCALE}), how many processors share
 * them, and the fault, which runs alongside the stream and returns when it has healed.
 *
 * @param redisProxies whether the processors reach Redis through fault proxies (for faults between them and Redis)
 * @param settings processor settings on top of the defaults
 * @param kafkaNodes nodes of the local Kafka cluster (1 unless the fault is in Kafka itself)
 * @param redisShards 0 for Redis with Sentinels; otherwise the shards of a Redis Cluster, one replica each
 */
record ChaosScenario(String name, String summary, Duration length, int processors, boolean redisProxies,
                     Map<String, String> settings, Fault fault, int kafkaNodes, int redisShards) {

    ChaosScenario(String name, String summary, Duration length, int processors, boolean redisProxies,
                  Map<String, String> settings, Fault fault, int kafkaNodes) {
        this(name, summary, length, processors, redisProxies, settings, fault, kafkaNodes, 0);
    }

    ChaosScenario(String name, String summary, Duration length, int processors, boolean redisProxies,
                  Map<String, String> settings, Fault fault) {
        this(name, summary, length, processors, redisProxies, settings, fault, 1);
    }

    /** What a scenario does to the running system; it may block for as long as the fault lasts. */
    @FunctionalInterface
    interface Fault {
        void strike(ChaosRun.Faults faults) throws Exception;
    }
}
