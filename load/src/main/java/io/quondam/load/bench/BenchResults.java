package io.quondam.load.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Everything one benchmark run measured, as the printed table, {@code results.json} and a self-contained chart. */
final class BenchResults {
    private final String machine;
    private final int records;
    private final int streamThreads;
    private List<ProcessorBench.Row> rows = List.of();
    private long unique;
    private final List<ApiRun> apiRuns = new ArrayList<>();
    private FailoverStall.Result failover;
    private ClaimMemory.Result memory;
    private List<ClusterScaling.Row> cluster = List.of();

    /**
     * The key-api rows at one number of clients: with WAIT, without, and plain {@code SET NX PX} on as many
     * connections, from Jedis (a thread per connection) and from the key-api's own load generator (one thread).
     */
    record ApiRun(int concurrency, LoadLoop.Result keyApi, LoadLoop.Result keyApiNoWait, LoadLoop.Result rawJedis,
                  LoadLoop.Result rawEventLoop) {
    }

    BenchResults(String machine, int records, int streamThreads) {
        this.machine = machine;
        this.records = records;
        this.streamThreads = streamThreads;
    }

    void processor(List<ProcessorBench.Row> rows, long unique) {
        this.rows = List.copyOf(rows);
        this.unique = unique;
    }

    /** A key-api run; the first one added is the one {@code results.json}'s {@code keyApi} describes. */
    void keyApi(ApiRun run) {
        apiRuns.add(run);
    }

    void failover(FailoverStall.Result result) {
        this.failover = result;
    }

    void memory(ClaimMemory.Result result) {
        this.memory = result;
    }

    void cluster(List<ClusterScaling.Row> rows) {
        this.cluster = List.copyOf(rows);
    }

    /** A row's rate divided by the baseline's, or "-" when the run left that baseline out. */
    private String ratio(ProcessorBench.Row row, ProcessorBench.Variant baseline) {
        return rows.stream().filter(r -> r.variant() == baseline).findFirst()
                .map(base -> String.format(Locale.ROOT, "%.2f", row.msgsPerSec() / base.msgsPerSec())).orElse("-");
    }

    String table() {
        var text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "machine: %s%n", machine));
        if (memory != null) {
            text.append(ClaimMemory.describe(memory)).append("\n");
        }
        if (rows.isEmpty()) {
            text.append("processor: not run (BENCH_PARTS)\n");
        } else {
            processorTables(text);
        }
        apiTables(text);
        failoverLine(text);
        if (!cluster.isEmpty()) {
            text.append('\n').append(ClusterScaling.table(cluster));
        }
        return text.toString();
    }

    private void processorTables(StringBuilder text) {
        text.append(String.format(Locale.ROOT, "processor, %,d records (%,d unique), 6 partitions, %d stream threads%n",
                records, unique, streamThreads));
        text.append(String.format(Locale.ROOT, "| %-12s | %10s | %8s | %8s | %12s | %13s | %13s | %10s | %11s |%n",
                "variant", "msgs/s", "÷ pass", "÷ window", "output", "claim p50 ms", "claim p99 ms", "mean batch",
                "buffer log"));
        text.append("|--------------|------------|----------|----------|--------------|---------------|---------------"
                + "|------------|-------------|\n");
        for (var row : rows) {
            text.append(String.format(Locale.ROOT,
                    "| %-12s | %,10.0f | %8s | %8s | %,12d | %13s | %13s | %10s | %11s |%n",
                    row.variant().label, row.msgsPerSec(), ratio(row, ProcessorBench.Variant.PASS_THROUGH),
                    ratio(row, ProcessorBench.Variant.WINDOW_STORE), row.output(),
                    millis(row.claimP50Ms()), millis(row.claimP99Ms()),
                    Double.isNaN(row.meanBatch()) ? "-" : String.format(Locale.ROOT, "%.1f", row.meanBatch()),
                    millis(row.bufferLogPerRecord())));
        }
        text.append(String.format(Locale.ROOT, "%nwhere the time goes: CPU µs per record, from the operating system, "
                + "while the rate was measured (app = this JVM)%n"));
        text.append(String.format(Locale.ROOT, "| %-12s | %8s | %8s | %8s | %9s | %8s |%n", "variant", "app", "broker",
                "redis", "sentinels", "total"));
        text.append("|--------------|----------|----------|----------|-----------|----------|\n");
        for (var row : rows) {
            var cpu = row.cpuMicrosPerRecord();
            text.append(String.format(Locale.ROOT, "| %-12s | %8.1f | %8.1f | %8.1f | %9.1f | %8.1f |%n",
                    row.variant().label, cpu.get("app"), cpu.get("broker"), cpu.get("redis"), cpu.get("sentinels"),
                    row.cpuMicrosPerRecordTotal()));
        }
    }

    private void apiTables(StringBuilder text) {
        for (var run : apiRuns) {
            text.append(String.format(Locale.ROOT, "%nkey-api, %d clients (keep-alive HTTP/1.1 connections from one"
                    + " load thread, %d Redis sessions), against SET NX PX on %d connections; CPU µs per claim from"
                    + " the operating system (app = this JVM: key-api and the load generator)%n", run.concurrency(),
                    KeyApiBench.KEY_API_SESSIONS, run.concurrency()));
            text.append(String.format(Locale.ROOT, "| %-26s | %10s | %8s | %8s | %8s | %7s | %7s | %9s | %10s |%n",
                    "variant", "claims/s", "p50 ms", "p99 ms", "failed", "app", "redis", "sentinels", "mean group"));
            text.append("|----------------------------|------------|----------|----------|----------|---------|"
                    + "---------|-----------|------------|\n");
            apiRow(text, "key-api (WAIT, default)", run.keyApi());
            apiRow(text, "key-api (no WAIT)", run.keyApiNoWait());
            apiRow(text, "raw Jedis SET NX PX", run.rawJedis());
            apiRow(text, "raw SET NX PX, event loop", run.rawEventLoop());
            text.append(String.format(Locale.ROOT, "key-api ÷ raw Jedis: %.2f (÷ raw event loop: %.2f)%n",
                    run.keyApi().perSecond() / run.rawJedis().perSecond(),
                    run.keyApi().perSecond() / run.rawEventLoop().perSecond()));
        }
    }

    private void failoverLine(StringBuilder text) {
        if (failover != null) {
            text.append(String.format(Locale.ROOT, "%nfailover with %,d keys in Redis: new master after %.1f s; first"
                            + " claim after the kill: processor %.1f s, key-api %.1f s (slowest answer %.1f s); first"
                            + " processor commit %.1f s; old master synced as a replica after %.1f s%n",
                    failover.keysAtKill(), failover.promotedSec(), failover.processorSec(), failover.keyApiSec(),
                    failover.slowestKeyApiAnswerSec(), failover.processorCommitSec(), failover.replicaBackSec()));
        }
    }

    private static void apiRow(StringBuilder text, String name, LoadLoop.Result result) {
        var cpu = result.cpuMicrosPerCall();
        text.append(String.format(Locale.ROOT, "| %-26s | %,10.0f | %8.2f | %8.2f | %,8d | %7s | %7s | %9s | %10s |%n",
                name, result.perSecond(), result.p50Ms(), result.p99Ms(), result.failures(), micros(cpu.get("app")),
                micros(cpu.get("redis")), micros(cpu.get("sentinels")), micros(result.meanGroup())));
    }

    private static String micros(Double value) {
        return value == null || value.isNaN() ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String millis(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    Map<String, Object> toMap() {
        var json = new LinkedHashMap<String, Object>();
        json.put("machine", machine);
        json.put("records", records);
        json.put("processor", ProcessorBench.toJson(rows));
        if (!cluster.isEmpty()) {
            json.put("cluster", cluster);
        }
        if (memory != null) {
            json.put("claimMemory", Map.of("claims", memory.keys(), "newKeys", memory.newKeys(),
                    "masterBytesPerKey", memory.masterBytesPerKey(), "replicaBytesPerKey",
                    memory.replicaBytesPerKey()));
        }
        if (!apiRuns.isEmpty()) {
            json.put("keyApi", apiJson(apiRuns.get(0)));
            json.put("keyApiRuns", apiRuns.stream().map(BenchResults::apiJson).toList());
        }
        if (failover != null) {
            var stall = new LinkedHashMap<String, Object>();
            stall.put("processor", failover.processorSec());
            stall.put("keyApi", failover.keyApiSec());
            stall.put("processorCommit", failover.processorCommitSec());
            stall.put("keyApiSlowestAnswer", failover.slowestKeyApiAnswerSec());
            stall.put("promoted", failover.promotedSec());
            stall.put("keysInRedis", failover.keysAtKill());
            json.put("failoverStallSec", stall);
        }
        var cpu = new LinkedHashMap<String, Object>();
        rows.forEach(row -> cpu.put(row.variant().label, row.cpuMicrosPerRecord()));
        json.put("processorCpuMicrosPerRecord", cpu);
        var outputs = new LinkedHashMap<String, Object>();
        rows.forEach(row -> outputs.put(row.variant().label, row.output()));
        json.put("outputRecords", outputs);
        json.put("uniquePayments", unique);
        return json;
    }

    private static Map<String, Object> apiJson(ApiRun run) {
        var api = new LinkedHashMap<String, Object>();
        api.put("claimsPerSec", Math.round(run.keyApi().perSecond()));
        api.put("p50Ms", run.keyApi().p50Ms());
        api.put("p99Ms", run.keyApi().p99Ms());
        api.put("rawJedisPerSec", Math.round(run.rawJedis().perSecond()));
        api.put("noWaitClaimsPerSec", Math.round(run.keyApiNoWait().perSecond()));
        api.put("concurrency", run.concurrency());
        api.put("cpuMicrosPerClaim", run.keyApi().cpuMicrosPerCall());
        api.put("noWaitCpuMicrosPerClaim", run.keyApiNoWait().cpuMicrosPerCall());
        api.put("meanGroup", run.keyApi().meanGroup());
        api.put("rawJedisCpuMicrosPerClaim", run.rawJedis().cpuMicrosPerCall());
        api.put("rawEventLoopPerSec", Math.round(run.rawEventLoop().perSecond()));
        api.put("rawEventLoopCpuMicrosPerClaim", run.rawEventLoop().cpuMicrosPerCall());
        return api;
    }

    String json() throws JsonProcessingException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toMap()) + "\n";
    }

    /** The parts of the stack whose CPU the chart stacks, in order, with their colours. */
    private static final List<String> CPU_PARTS = List.of("app", "broker", "redis", "sentinels");
    private static final List<String> CPU_COLOURS = List.of("#2f6fb3", "#e08a1e", "#c0392b", "#7f8c8d");

    /**
     * A page with two inline SVG charts and the table; no scripts, no network. Per processor variant: its rate, marked
     * with whether it wrote exactly the unique payments or let duplicates through, and its CPU per record stacked by
     * the part of the stack that spent it.
     */
    String html() {
        double maxRate = rows.stream().mapToDouble(ProcessorBench.Row::msgsPerSec).filter(v -> !Double.isNaN(v))
                .max().orElse(1);
        double maxCpu = rows.stream().mapToDouble(row -> CPU_PARTS.stream()
                .mapToDouble(part -> row.cpuMicrosPerRecord().getOrDefault(part, 0.0)).sum()).max().orElse(1);
        var rates = new StringBuilder();
        var cpu = new StringBuilder();
        int y = 10;
        for (var row : rows) {
            double rate = Double.isNaN(row.msgsPerSec()) ? 0 : row.msgsPerSec();
            int width = (int) Math.round(400 * rate / maxRate);
            rates.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text><rect x=\"110\" y=\"%d\" "
                            + "width=\"%d\" height=\"22\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%,.0f msgs/s, %s</text>",
                    y + 16, row.variant().label, y, width, row.variant().quondam() ? "#2f6fb3" : "#9aa5b1",
                    116 + width, y + 16, rate, correctness(row)));
            double x = 110;
            var tip = new StringBuilder();
            for (int i = 0; i < CPU_PARTS.size(); i++) {
                double micros = row.cpuMicrosPerRecord().getOrDefault(CPU_PARTS.get(i), 0.0);
                double w = 400 * micros / maxCpu;
                cpu.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"22\" "
                        + "fill=\"%s\"/>", x, y, w, CPU_COLOURS.get(i)));
                x += w;
                tip.append(String.format(Locale.ROOT, "%s%s %.1f", tip.length() == 0 ? "" : " + ", CPU_PARTS.get(i),
                        micros));
            }
            cpu.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text><text x=\"%.1f\" y=\"%d\">"
                    + "%s µs</text>", y + 16, row.variant().label, x + 6, y + 16, tip));
            y += 32;
        }
        var legend = new StringBuilder();
        for (int i = 0; i < CPU_PARTS.size(); i++) {
            legend.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
                    + "fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>", 110 + 110 * i, y + 4, CPU_COLOURS.get(i),
                    128 + 110 * i, y + 15, CPU_PARTS.get(i)));
        }
        return "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Quondam benchmark</title>"
                + "<style>body{font-family:sans-serif;margin:2em}svg text{font-size:13px}pre{background:#f4f4f4;"
                + "padding:1em}</style></head><body>\n<h1>Quondam benchmark</h1>\n<p>Processor throughput per variant "
                + "(grey: baselines without Redis, blue: Quondam), and whether it wrote exactly the unique payments."
                + "</p>\n<svg width=\"900\" height=\"" + (y + 10) + "\">" + rates + "</svg>\n"
                + "<p>CPU µs per record, by the part of the stack that spent it (app = the benchmark JVM).</p>\n"
                + "<svg width=\"900\" height=\"" + (y + 30) + "\">" + cpu + legend + "</svg>\n<pre>"
                + table().replace("&", "&amp;").replace("<", "&lt;") + "</pre>\n</body></html>\n";
    }

    /** Exactly the unique payments, or how many duplicates got through (or how many payments are missing). */
    private String correctness(ProcessorBench.Row row) {
        if (row.variant() == ProcessorBench.Variant.PASS_THROUGH) {
            return "no deduplication";
        }
        long extra = row.output() - unique;
        if (extra == 0) {
            return "exactly the unique payments";
        }
        return extra > 0 ? String.format(Locale.ROOT, "%,d duplicates let through", extra)
                : String.format(Locale.ROOT, "%,d payments missing", -extra);
    }
}
