package io.quondam.load.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchResultsTest {
    private static final Map<String, Double> CPU = Map.of("app", 1.0, "broker", 2.0, "redis", 3.0, "sentinels", 0.1);

    private static ProcessorBench.Row row(ProcessorBench.Variant variant, double msgsPerSec) {
        return new ProcessorBench.Row(variant, msgsPerSec, 10, 700, Double.NaN, Double.NaN, Double.NaN, CPU);
    }

    @Test
    void shouldDivideEachRowByBothBaselines() {
        var results = new BenchResults("test machine", 1000, 2, 8);
        results.processor(List.of(row(ProcessorBench.Variant.PASS_THROUGH, 200_000),
                row(ProcessorBench.Variant.WINDOW_STORE, 50_000), row(ProcessorBench.Variant.PER_COMMIT, 40_000)), 700);

        assertThat(results.table())
                .contains("÷ pass | ÷ window")
                .containsPattern("\\| perCommit +\\| +40,000 \\| +0\\.20 \\| +0\\.80 \\|")
                .containsPattern("\\| windowStore +\\| +50,000 \\| +0\\.25 \\| +1\\.00 \\|");
    }

    @Test
    void shouldShowADashForABaselineTheRunLeftOut() {
        var results = new BenchResults("test machine", 1000, 2, 8);
        results.processor(List.of(row(ProcessorBench.Variant.WINDOW_STORE, 50_000),
                row(ProcessorBench.Variant.PER_COMMIT, 25_000)), 700);

        assertThat(results.table())
                .doesNotContain("NaN")
                .containsPattern("\\| perCommit +\\| +25,000 \\| +- \\| +0\\.50 \\|");
    }
}
