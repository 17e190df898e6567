package io.quondam.stack;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/** Asks the Sentinels which data node is the master, skipping Sentinels that do not answer. */
record MasterLocator(List<RedisEndpoint> sentinels, String masterName) {

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    public MasterLocator {
        sentinels = List.copyOf(sentinels);
    }

    /** {@code host:port} of the master as the first answering Sentinel reports it. */
    public Optional<String> currentMaster() {
        return sentinels.stream().map(this::askForMaster).flatMap(Optional::stream).findFirst();
    }

    /**
     * {@code host:port} of the master if a majority of Sentinels answer and all that answer report the same one.
     * During a failover the Sentinels disagree for a second or two: the leader switches last, once the other
     * replicas follow the new master.
     */
    public Optional<String> agreedMaster() {
        List<String> answers = sentinels.stream().map(this::askForMaster).flatMap(Optional::stream).toList();
        boolean agreed = answers.size() > sentinels.size() / 2 && answers.stream().distinct().count() == 1;
        return agreed ? Optional.of(answers.get(0)) : Optional.empty();
    }

    private Optional<String> askForMaster(RedisEndpoint sentinel) {
        try (Jedis jedis = sentinel.connect(TIMEOUT)) {
            List<String> address = jedis.sentinelGetMasterAddrByName(masterName);
            return address == null || address.size() != 2
                    ? Optional.empty()
                    : Optional.of(address.get(0) + ":" + address.get(1));
        } catch (JedisException e) {
            return Optional.empty(); // down or paused
        }
    }

    /**
     * True once every Sentinel has found the given number of replicas and other Sentinels: before that a failover
     * cannot reach its quorum, so a stack is not ready until this holds.
     */
    public boolean allSentinelsSee(int replicas, int otherSentinels) {
        for (RedisEndpoint sentinel : sentinels) {
            try (Jedis jedis = sentinel.connect(TIMEOUT)) {
                Map<String, String> master = jedis.sentinelMaster(masterName);
                if (Integer.parseInt(master.getOrDefault("num-slaves", "0")) < replicas
                        || Integer.parseInt(master.getOrDefault("num-other-sentinels", "0")) < otherSentinels) {
                    return false;
                }
            } catch (JedisException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when every Sentinel sees a calm topology: the master without down or failover flags, and the given number
     * of replicas, each up, linked to it and promotable. Tests that fail Redis over wait for this before the next test
     * starts.
     */
    public boolean allSentinelsSettled(int replicas) {
        for (RedisEndpoint sentinel : sentinels) {
            try (Jedis jedis = sentinel.connect(TIMEOUT)) {
                if (!"master".equals(jedis.sentinelMaster(masterName).get("flags"))) {
                    return false;
                }
                var linked = jedis.sentinelReplicas(masterName).stream()
                        .filter(replica -> "slave".equals(replica.get("flags"))
                                && "ok".equals(replica.get("master-link-status"))
                                && Integer.parseInt(replica.getOrDefault("slave-priority", "0")) > 0)
                        .count();
                if (linked < replicas) {
                    return false;
                }
            } catch (JedisException e) {
                return false;
            }
        }
        return true;
    }
}
