package io.quondam.load.bench;

import io.quondam.stack.LocalStack;
import io.quondam.stack.RedisNode;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where Redis's CPU goes, by command: the calls and the microseconds Redis itself counted ({@code INFO
 * commandstats}), on the master and summed over the replicas, between two snapshots. What the bench reads beside the
 * operating system's CPU, to tell which command a change should save.
 */
final class RedisCommandCost {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** Below this many calls and µs per record a command is left out (pings, INFO, the guard's looks). */
    private static final double NEGLIGIBLE = 0.05;

    /** Calls and microseconds of one command on one side (master, or the replicas together). */
    record Cost(long calls, long micros) {
        Cost plus(Cost other) {
            return new Cost(calls + other.calls, micros + other.micros);
        }

        Cost minus(Cost other) {
            return new Cost(calls - other.calls, micros - other.micros);
        }
    }

    private final LocalStack stack;

    RedisCommandCost(LocalStack stack) {
        this.stack = stack;
    }

    /** "master get", "replicas set"...: the counts so far. */
    Map<String, Cost> snapshot() {
        String master = stack.currentMasterAddress();
        var costs = new TreeMap<String, Cost>();
        for (RedisNode node : stack.liveRedisNodes()) {
            String side = master.endsWith(":" + node.port()) ? "master" : "replicas";
            try (var jedis = node.endpoint().connect(TIMEOUT)) {
                parse(side, jedis.info("commandstats")).forEach((command, cost) -> costs.merge(command, cost,
                        Cost::plus));
            }
        }
        return costs;
    }

    /** {@code INFO commandstats} as "side command" to its calls and microseconds. */
    static Map<String, Cost> parse(String side, String info) {
        var costs = new TreeMap<String, Cost>();
        for (String line : info.split("\r?\n")) {
            // cmdstat_set:calls=1000,usec=2100,usec_per_call=2.10,...
            if (line.startsWith("cmdstat_") && line.indexOf(':') > 0) {
                costs.put(side + " " + line.substring("cmdstat_".length(), line.indexOf(':')),
                        new Cost(field(line, "calls="), field(line, "usec=")));
            }
        }
        return costs;
    }

    /**
     * Calls and µs per record of each command that counts, between two snapshots, on one line. Redis times a command
     * by the wall clock: on cores shared with everything else, a node that was preempted mid-command counts the wait.
     */
    static String perRecord(Map<String, Cost> before, Map<String, Cost> after, long records) {
        var text = new StringBuilder();
        after.forEach((command, cost) -> {
            var spent = cost.minus(before.getOrDefault(command, new Cost(0, 0)));
            if (records > 0 && (spent.calls() / (double) records >= NEGLIGIBLE
                    || spent.micros() / (double) records >= NEGLIGIBLE)) {
                text.append(String.format(Locale.ROOT, "  %s %.2f calls %.2f µs;", command,
                        spent.calls() / (double) records, spent.micros() / (double) records));
            }
        });
        return text.toString();
    }

    private static long field(String line, String name) {
        int start = line.indexOf(name);
        if (start < 0) {
            return 0;
        }
        start += name.length();
        int end = start;
        while (end < line.length() && Character.isDigit(line.charAt(end))) {
            end++;
        }
        return Long.parseLong(line.substring(start, end));
    }
}
