package io.quondam.keyapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferWaitTest {
    private static final Duration MAX = Duration.ofSeconds(10);

    private static Duration of(String... headers) {
        return PreferWait.of(Collections.enumeration(List.of(headers)), MAX);
    }

    @Test
    void shouldReadTheWaitPreferenceAmongOthersAndCapIt() {
        assertThat(of()).isZero();
        assertThat(of("wait=5")).isEqualTo(Duration.ofSeconds(5));
        assertThat(of("respond-async, wait=3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(of("handling=lenient", "Wait = 2 ; x=y")).isEqualTo(Duration.ofSeconds(2));
        assertThat(of("wait=\"4\"")).isEqualTo(Duration.ofSeconds(4));
        assertThat(of("wait=600")).isEqualTo(MAX);
    }

    @Test
    void shouldIgnoreAWaitThatIsNotAWholeNumberOfSeconds() {
        assertThat(of("wait=-1")).isZero();
        assertThat(of("wait=1.5")).isZero();
        assertThat(of("wait=soon")).isZero();
        assertThat(of("wait")).isZero();
        assertThat(of("wait=99999999999999")).isZero();
    }
}
