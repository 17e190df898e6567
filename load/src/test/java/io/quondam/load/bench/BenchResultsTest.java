package io.quondam.load.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchResultsTest {
    private static final Map<String, Double> CPU = Map.of("app", 1.0, "broker", 2.0, "redis", 3.0, "sentinels", 0.1);

    private static ProcessorBench.Row row(ProcessorBench.Variant variant, double msgsPerSec) {
        return row(variant, msgsPerSec, 700);
    }

    private static ProcessorBench.Row row(ProcessorBench.Variant variant, double msgsPerSec, long output) {
        return new ProcessorBench.Row(variant, msgsPerSec, 10, output, Double.NaN, Double.NaN, Double.NaN, CPU,
                Double.NaN);
    }

    @Test
    void shouldDivideEachRowByBothBaselines() {
        var results = new BenchResults("test machine", 1000, 2);
        results.processor(List.of(row(ProcessorBench.Variant.PASS_THROUGH, 200_000),
                row(ProcessorBench.Variant.WINDOW_STORE, 50_000), row(ProcessorBench.Variant.PER_COMMIT, 40_000)), 700);

        assertThat(results.table())
                .contains("÷ pass | ÷ window")
                .containsPattern("\\| perCommit +\\| +40,000 \\| +0\\.20 \\| +0\\.80 \\|")
                .containsPattern("\\| windowStore +\\| +50,000 \\| +0\\.25 \\| +1\\.00 \\|");
    }

    private static LoadLoop.Result api(double perSecond) {
        return new LoadLoop.Result(perSecond, 1.0, 5.0, 0, Map.of("app", 40.0, "redis", 12.5, "sentinels", 0.2),
                Double.NaN);
    }

    /** One row set per client count; results.json's keyApi keeps its field names for the first one. */
    @Test
    void shouldShowKeyApiRowsPerClientCountAndKeepTheFirstAsKeyApi() {
        var results = new BenchResults("test machine", 1000, 2);
        results.keyApi(new BenchResults.ApiRun(64, api(16_000).withMeanGroup(7.4), api(20_000), api(50_000),
                api(80_000)));
        results.keyApi(new BenchResults.ApiRun(8, api(8_000), api(10_000), api(40_000), api(64_000)));

        assertThat(results.table()).contains("processor: not run (BENCH_PARTS)").doesNotContain("where the time goes")
                .contains("key-api, 64 clients").contains("key-api, 8 clients")
                .containsPattern("\\| key-api \\(WAIT, default\\) +\\| +16,000 \\|.*\\| +40\\.0 \\| +12\\.5 \\|.*"
                        + "\\| +7\\.4 \\|")
                .containsPattern("\\| raw Jedis SET NX PX +\\|.*\\| +- \\|\n")
                .contains("key-api ÷ raw Jedis: 0.32 (÷ raw event loop: 0.20)")
                .contains("key-api ÷ raw Jedis: 0.20 (÷ raw event loop: 0.13)");
        @SuppressWarnings("unchecked")
        var keyApi = (Map<String, Object>) results.toMap().get("keyApi");
        assertThat(keyApi).containsEntry("concurrency", 64).containsEntry("claimsPerSec", 16_000L)
                .containsEntry("rawJedisPerSec", 50_000L)
                .containsEntry("rawEventLoopPerSec", 80_000L).containsKeys("p50Ms", "p99Ms", "cpuMicrosPerClaim")
                .containsEntry("meanGroup", 7.4);
        assertThat((List<?>) results.toMap().get("keyApiRuns")).hasSize(2);
    }

    /** The chart shows what the table does: rate, correctness, CPU per record by part. */
    @Test
    void shouldMarkEachVariantsCorrectnessAndStackItsCpuInTheChart() {
        var results = new BenchResults("test machine", 1000, 2);
        results.processor(List.of(row(ProcessorBench.Variant.WINDOW_STORE, 50_000, 782),
                row(ProcessorBench.Variant.PER_COMMIT, 40_000, 700)), 700);

        String html = results.html();

        assertThat(html).contains("50,000 msgs/s, 82 duplicates let through")
                .contains("40,000 msgs/s, exactly the unique payments")
                .contains("app 1.0 + broker 2.0 + redis 3.0 + sentinels 0.1 µs")
                .doesNotContain("<script");
    }

    @Test
    void shouldShowADashForABaselineTheRunLeftOut() {
        var results = new BenchResults("test machine", 1000, 2);
        results.processor(List.of(row(ProcessorBench.Variant.WINDOW_STORE, 50_000),
                row(ProcessorBench.Variant.PER_COMMIT, 25_000)), 700);

        assertThat(results.table())
                .doesNotContain("NaN")
                .containsPattern("\\| perCommit +\\| +25,000 \\| +- \\| +0\\.50 \\|");
    }
}
