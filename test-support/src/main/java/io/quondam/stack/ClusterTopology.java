package io.quondam.stack;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Who serves which slots of a Redis Cluster, as one live node answers {@code CLUSTER SLOTS}. A killed master keeps its
 * slots in this view until its replica has taken them over, so "no longer serves a slot" means "failed over".
 */
public record ClusterTopology(List<SlotRange> ranges) {

    /** Slots {@code from}-{@code to} (inclusive), served by the master on {@code masterPort}. */
    public record SlotRange(int from, int to, int masterPort) {
    }

    public ClusterTopology {
        ranges = List.copyOf(ranges);
    }

    /** The view of the first of {@code nodes} that answers; empty when none does. */
    public static Optional<ClusterTopology> ask(List<RedisEndpoint> nodes, Duration timeout) {
        for (RedisEndpoint node : nodes) {
            try (var jedis = node.connect(timeout)) {
                return Optional.of(parse(jedis.clusterSlots()));
            } catch (JedisException e) {
                // down or not reachable: ask the next one
            }
        }
        return Optional.empty();
    }

    /** From {@code CLUSTER SLOTS}: {@code [[start, end, [host, port, id, ...], replicas...], ...]}. */
    static ClusterTopology parse(List<Object> reply) {
        var ranges = new ArrayList<SlotRange>();
        for (Object entry : reply) {
            if (!(entry instanceof List<?> range) || range.size() < 3 || !(range.get(2) instanceof List<?> master)
                    || master.size() < 2) {
                throw new StackException("unexpected CLUSTER SLOTS entry: " + entry);
            }
            ranges.add(new SlotRange(number(range.get(0)), number(range.get(1)), number(master.get(1))));
        }
        ranges.sort(java.util.Comparator.comparingInt(SlotRange::from));
        return new ClusterTopology(ranges);
    }

    private static int number(Object value) {
        if (value instanceof Long number) {
            return (int) (long) number;
        }
        if (value instanceof byte[] bytes) {
            return Integer.parseInt(new String(bytes, StandardCharsets.US_ASCII));
        }
        throw new StackException("expected a number in CLUSTER SLOTS, got " + value);
    }

    /** The port of the master serving {@code slot}; empty when no master serves it. */
    public Optional<Integer> masterOf(int slot) {
        return ranges.stream().filter(range -> range.from() <= slot && slot <= range.to()).findFirst()
                .map(SlotRange::masterPort);
    }

    /** Whether the node on {@code port} still serves any slot, dead or alive. */
    public boolean serves(int port) {
        return ranges.stream().anyMatch(range -> range.masterPort() == port);
    }

    /** The masters' ports, ascending. */
    public List<Integer> masters() {
        return List.copyOf(new TreeSet<>(ranges.stream().map(SlotRange::masterPort).toList()));
    }

    /** Whether every one of the 16,384 slots has a master. */
    public boolean coversEverySlot() {
        int next = 0;
        for (SlotRange range : ranges) {
            if (range.from() != next) {
                return false;
            }
            next = range.to() + 1;
        }
        return next == LocalRedisCluster.SLOTS;
    }

    /** One line per master: {@code 127.0.0.1:port slots from-to}. */
    public String describe() {
        var lines = new StringBuilder();
        for (SlotRange range : ranges) {
            if (!lines.isEmpty()) {
                lines.append(", ");
            }
            lines.append("127.0.0.1:").append(range.masterPort()).append(" slots ").append(range.from()).append('-')
                    .append(range.to());
        }
        return lines.toString();
    }
}
