package io.quondam.load.bench;

import io.quondam.stack.ChildProcess;
import io.quondam.stack.LocalStack;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time spent by each part of the local stack, read from the operating system ({@link ProcessHandle}): this JVM
 * (the application under test and the benchmark's own polling), the Kafka broker, the Redis data nodes and the
 * Sentinels. A difference of two snapshots divided by the records in between says where a variant's time goes; on a
 * machine whose cores are all busy that is what limits throughput.
 */
final class CpuAccount {
    static final List<String> PARTS = List.of("app", "broker", "redis", "sentinels");

    private final LocalStack stack;

    CpuAccount(LocalStack stack) {
        this.stack = stack;
    }

    /** CPU time so far per part, in nanoseconds. */
    Map<String, Long> snapshot() {
        var cpu = new LinkedHashMap<String, Long>();
        PARTS.forEach(part -> cpu.put(part, 0L));
        cpu.merge("app", cpuNanos(ProcessHandle.current()), Long::sum);
        for (ChildProcess process : stack.processes()) {
            String part = part(process.name());
            if (part != null) {
                ProcessHandle.of(process.pid()).ifPresent(handle -> cpu.merge(part, cpuNanos(handle), Long::sum));
            }
        }
        return cpu;
    }

    /** Microseconds of CPU per record in each part between two snapshots. */
    static Map<String, Double> perRecord(Map<String, Long> before, Map<String, Long> after, long records) {
        var micros = new LinkedHashMap<String, Double>();
        for (String part : PARTS) {
            micros.put(part, records <= 0 ? Double.NaN : (after.get(part) - before.get(part)) / 1_000.0 / records);
        }
        return micros;
    }

    private static String part(String processName) {
        if (processName.startsWith("kafka")) {
            return "broker";
        }
        if (processName.startsWith("sentinel")) {
            return "sentinels";
        }
        return processName.startsWith("redis") ? "redis" : null;
    }

    static long cpuNanos(ProcessHandle process) {
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
