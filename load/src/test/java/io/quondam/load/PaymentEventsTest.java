package io.quondam.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.quondam.testdata.PaymentEvents;
import java.util.HashMap;
import org.junit.jupiter.api.Test;

class PaymentEventsTest {

    @Test
    void shouldBeReproducibleForOneSeed() {
        var first = PaymentEvents.generate(500, 0.3, 0.05, 11);
        var second = PaymentEvents.generate(500, 0.3, 0.05, 11);

        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).value()).isEqualTo(first.get(i).value());
            assertThat(second.get(i).recordKey()).isEqualTo(first.get(i).recordKey());
        }
    }

    @Test
    void shouldPlaceEveryDuplicateAfterItsOriginalAndUseAllThreeShapes() {
        var events = PaymentEvents.generate(3_000, 0.3, 11);
        var firstSeen = new HashMap<String, Integer>();
        int resentUnderOtherKey = 0;
        int immediate = 0;
        for (int i = 0; i < events.size(); i++) {
            var event = events.get(i);
            if (event.original()) {
                firstSeen.put(event.paymentId(), i);
                continue;
            }
            assertThat(firstSeen).as("original before duplicate").containsKey(event.paymentId());
            if (!new String(event.recordKey()).equals(event.paymentId())) {
                resentUnderOtherKey++;
            }
            if (firstSeen.get(event.paymentId()) == i - 1) {
                immediate++;
            }
        }
        assertThat(PaymentEvents.count(events, PaymentEvents.Kind.DUPLICATE)).isEqualTo(900);
        assertThat(resentUnderOtherKey).isGreaterThan(200);
        assertThat(immediate).isGreaterThan(100);
    }
}
