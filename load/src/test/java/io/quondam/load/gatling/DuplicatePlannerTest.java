package io.quondam.load.gatling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DuplicatePlannerTest {
    private static final Map<DuplicateShape, Integer> ALL_SHAPES =
            Map.of(DuplicateShape.IMMEDIATE, 1, DuplicateShape.DELAYED, 1, DuplicateShape.OTHER_KEY, 1);

    @Test
    void shouldMakeThePlannedShareOfAllRecordsResends() {
        var plans = plans(new DuplicatePlanner(0.3, ALL_SHAPES, 6, 42), 10_000);

        long resends = plans.stream().mapToLong(plan -> plan.resends().size()).sum();
        double share = resends / (double) (plans.size() + resends);
        assertThat(share).isBetween(0.29, 0.31);
    }

    @Test
    void shouldResendSeveralTimesWhenMoreThanHalfOfAllRecordsAreDuplicates() {
        var plans = plans(new DuplicatePlanner(0.75, ALL_SHAPES, 6, 42), 5_000);

        long resends = plans.stream().mapToLong(plan -> plan.resends().size()).sum();
        assertThat(resends / (double) (plans.size() + resends)).isBetween(0.74, 0.76);
        assertThat(plans).allSatisfy(plan -> assertThat(plan.resends()).hasSize(3));
    }

    @Test
    void shouldSendNothingTwiceWithoutDuplicates() {
        assertThat(plans(new DuplicatePlanner(0.0, ALL_SHAPES, 6, 42), 1_000))
                .allSatisfy(plan -> assertThat(plan.resends()).isEmpty());
    }

    @Test
    void shouldMixShapesByTheirWeights() {
        var weights = Map.of(DuplicateShape.IMMEDIATE, 3, DuplicateShape.DELAYED, 1, DuplicateShape.OTHER_KEY, 0);
        var counts = new EnumMap<DuplicateShape, Integer>(DuplicateShape.class);
        plans(new DuplicatePlanner(0.5, weights, 6, 7), 8_000).forEach(plan ->
                plan.resends().forEach(resend -> counts.merge(resend.shape(), 1, Integer::sum)));

        assertThat(counts).doesNotContainKey(DuplicateShape.OTHER_KEY);
        assertThat(counts.get(DuplicateShape.IMMEDIATE) / (double) counts.get(DuplicateShape.DELAYED))
                .isBetween(2.7, 3.3);
    }

    @Test
    void shouldKeyAnOtherKeyResendOntoAnotherPartitionWithTheSamePayment() {
        var planner = new DuplicatePlanner(0.5, Map.of(DuplicateShape.OTHER_KEY, 1), 6, 42);

        for (var plan : plans(planner, 500)) {
            for (var resend : plan.resends()) {
                assertThat(DuplicatePlanner.partitionOf(resend.send().recordKey(), 6))
                        .isNotEqualTo(DuplicatePlanner.partitionOf(plan.original().recordKey(), 6));
                assertThat(resend.send().paymentId()).isEqualTo(plan.original().paymentId());
                assertThat(resend.send().value()).isEqualTo(plan.original().value());
            }
        }
    }

    @Test
    void shouldResendImmediateAndDelayedUnderTheOriginalKey() {
        var planner = new DuplicatePlanner(0.5, Map.of(DuplicateShape.IMMEDIATE, 1, DuplicateShape.DELAYED, 1), 6, 42);

        for (var plan : plans(planner, 200)) {
            plan.resends().forEach(resend ->
                    assertThat(resend.send().recordKey()).isEqualTo(plan.original().recordKey()));
        }
    }

    @Test
    void shouldPlanTheSamePaymentForTheSameSeedAndIndexWhateverTheOrder() {
        var first = new DuplicatePlanner(0.3, ALL_SHAPES, 6, 42).plan(17);
        var planner = new DuplicatePlanner(0.3, ALL_SHAPES, 6, 42);
        planner.plan(3);
        var again = planner.plan(17);

        assertThat(again.original().paymentId()).isEqualTo(first.original().paymentId()).isEqualTo("pay-42-17");
        assertThat(again.original().value()).isEqualTo(first.original().value());
        assertThat(again.resends()).extracting(DuplicatePlanner.Resend::shape)
                .isEqualTo(first.resends().stream().map(DuplicatePlanner.Resend::shape).toList());
        assertThat(new DuplicatePlanner(0.3, ALL_SHAPES, 6, 43).plan(17).original().paymentId())
                .isEqualTo("pay-43-17");
    }

    @Test
    void shouldRejectARatioThatLeavesNoOriginals() {
        assertThatThrownBy(() -> new DuplicatePlanner(0.95, ALL_SHAPES, 6, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<DuplicatePlanner.Plan> plans(DuplicatePlanner planner, int count) {
        var plans = new ArrayList<DuplicatePlanner.Plan>(count);
        for (int i = 0; i < count; i++) {
            plans.add(planner.next());
        }
        return plans;
    }
}
