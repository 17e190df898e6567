package io.quondam.store;

import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Redis Cluster's slot map as one node answered {@code CLUSTER SLOTS}: which master serves each of the 16,384 slots,
 * and each master's anchor, the lowest slot it serves, which names its shard for the key store's sessions.
 */
final class ClusterSlots {
    static final int SLOTS = 16_384;

    private final HostAndPort[] masters;
    /** Per slot, the lowest slot its master serves; the slot itself when no master serves it. */
    private final int[] anchors = new int[SLOTS];

    private ClusterSlots(HostAndPort[] masters) {
        this.masters = masters;
        // In slot order, a master's first slot is its lowest.
        var lowest = new java.util.HashMap<HostAndPort, Integer>();
        for (int slot = 0; slot < SLOTS; slot++) {
            if (masters[slot] != null) {
                lowest.putIfAbsent(masters[slot], slot);
            }
            anchors[slot] = masters[slot] == null ? slot : lowest.get(masters[slot]);
        }
    }

    /** The slot of a Redis key, as the cluster hashes it. */
    static int slotOf(byte[] key) {
        return JedisClusterCRC16.getSlot(key);
    }

    /** From {@code CLUSTER SLOTS}: {@code [[start, end, [host, port, id, ...], replicas...], ...]}. */
    static ClusterSlots parse(List<Object> reply) {
        var masters = new HostAndPort[SLOTS];
        for (Object entry : reply) {
            if (!(entry instanceof List<?> range) || range.size() < 3 || !(range.get(2) instanceof List<?> master)
                    || master.size() < 2) {
                throw new KeyStoreException("unexpected CLUSTER SLOTS entry: " + entry);
            }
            int from = (int) (long) (Long) range.get(0);
            int to = (int) (long) (Long) range.get(1);
            var address = new HostAndPort(LuaScript.text(master.get(0)), (int) (long) (Long) master.get(1));
            Arrays.fill(masters, from, to + 1, address);
        }
        return new ClusterSlots(masters);
    }

    /** The master serving {@code slot}; throws when no master serves it now (a shard without master). */
    HostAndPort masterOf(int slot) {
        var master = masters[slot];
        if (master == null) {
            throw new redis.clients.jedis.exceptions.JedisConnectionException("no master serves slot " + slot
                    + " of the Redis Cluster now");
        }
        return master;
    }

    /** Whether a master other than {@code master} serves {@code slot} now. */
    boolean servedByAnother(int slot, HostAndPort master) {
        return masters[slot] != null && !masters[slot].equals(master);
    }

    /** The lowest slot served by the master of {@code slot}, or {@code slot} itself when none serves it. */
    int anchorOf(int slot) {
        return anchors[slot];
    }
}
