package io.quondam.load.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisCommandCostTest {
    private static final String INFO = "# Commandstats\r\n"
            + "cmdstat_set:calls=1000,usec=2500,usec_per_call=2.50,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_get:calls=10,usec=5,usec_per_call=0.50,rejected_calls=0,failed_calls=0\r\n";

    @Test
    void shouldReadCallsAndMicrosOfEachCommand() {
        assertThat(RedisCommandCost.parse("master", INFO)).containsExactly(
                Map.entry("master get", new RedisCommandCost.Cost(10, 5)),
                Map.entry("master set", new RedisCommandCost.Cost(1000, 2500)));
    }

    /** Per record between two snapshots; a command that barely ran (a ping, INFO) is left out. */
    @Test
    void shouldGiveTheCostPerRecordOfTheCommandsThatCount() {
        var before = RedisCommandCost.parse("master", INFO);
        var after = Map.of("master set", new RedisCommandCost.Cost(3000, 8500),
                "master get", new RedisCommandCost.Cost(12, 6));

        assertThat(RedisCommandCost.perRecord(before, after, 1000))
                .isEqualTo("  master set 2.00 calls 6.00 µs;");
    }
}
