package io.quondam.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private long now;
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(350), () -> now);

    private void advance(Duration duration) {
        now += duration.toNanos();
    }

    @Test
    void shouldBeDueUntilSomethingFails() {
        assertThat(backoff.due()).isTrue();
        assertThat(backoff.remaining()).isZero();
    }

    @Test
    void shouldWaitLongerAfterEachFailureUpToTheMaximum() {
        backoff.failed();
        assertThat(backoff.due()).isFalse();
        advance(Duration.ofMillis(121)); // 100 ms plus at most 20 % jitter
        assertThat(backoff.due()).isTrue();

        backoff.failed();
        advance(Duration.ofMillis(199));
        assertThat(backoff.due()).isFalse();
        advance(Duration.ofMillis(42));
        assertThat(backoff.due()).isTrue();

        backoff.failed(); // 350 ms, the maximum, not 400
        backoff.failed();
        assertThat(backoff.remaining()).isBetween(Duration.ofMillis(350), Duration.ofMillis(420));
    }

    @Test
    void shouldStartFromTheInitialDelayAfterASuccess() {
        backoff.failed();
        backoff.failed();
        backoff.succeeded();

        assertThat(backoff.due()).isTrue();
        backoff.failed();
        assertThat(backoff.remaining()).isBetween(Duration.ofMillis(100), Duration.ofMillis(120));
    }
}
