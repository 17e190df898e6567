package io.quondam.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ClaimOwnerTest {

    @Test
    void shouldKeepTheOwnersOfEarlierBuilds() {
        // A record reprocessed by another build must find the claim its first processing made.
        assertThat(ClaimOwner.of("payments", 3, 17)).isEqualTo("4309491798154582888");
        assertThat(ClaimOwner.of("payments", 0, 0)).isEqualTo("8023749227599052640");
        assertThat(ClaimOwner.of("payments", 4, 1187)).isEqualTo("-3724639612598157149");
    }

    @Test
    void shouldGiveEveryRecordItsOwnCanonicalNumber() {
        var seen = new HashSet<String>();
        for (String topic : new String[] {"payments", "payments-eu", "Zahlungen-ü"}) {
            for (int partition = 0; partition < 8; partition++) {
                for (long offset = 0; offset < 5_000; offset++) {
                    String owner = ClaimOwner.of(topic, partition, offset);
                    // Redis keeps a decimal number in its canonical form as a number: no sign but '-', no leading 0.
                    assertThat(Long.toString(Long.parseLong(owner))).isEqualTo(owner);
                    seen.add(owner);
                }
            }
        }
        assertThat(seen).hasSize(3 * 8 * 5_000);
        assertThat(ClaimOwner.of("payments", 0, Long.MAX_VALUE)).isNotEqualTo(ClaimOwner.of("payments", 1, 0));
    }
}
