package io.quondam.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
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

    @RepeatedTest(20)
    void shouldWaitLongerAfterEachFailureUpToTheMaximum() {
        assertThat(backoff.failed()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(backoff.failed()).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(backoff.failed()).isBetween(Duration.ofMillis(175), Duration.ofMillis(350)); // capped, not 400
        assertThat(backoff.failed()).isBetween(Duration.ofMillis(175), Duration.ofMillis(350));
    }

    @Test
    void shouldBeDueOnceTheDelayOfTheLastFailureHasPassed() {
        var wait = backoff.failed();
        assertThat(backoff.due()).isFalse();
        assertThat(backoff.remaining()).isEqualTo(wait);

        advance(wait.minusNanos(1));
        assertThat(backoff.due()).isFalse();
        advance(Duration.ofNanos(1));
        assertThat(backoff.due()).isTrue();
        assertThat(backoff.remaining()).isZero();
    }

    @RepeatedTest(20)
    void shouldStartFromTheInitialDelayAfterASuccess() {
        backoff.failed();
        backoff.failed();
        backoff.succeeded();

        assertThat(backoff.due()).isTrue();
        assertThat(backoff.failed()).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @Test
    void shouldStayAtTheMaximumAfterVeryManyFailures() {
        assertThat(Backoff.delay(Duration.ofMillis(100), Duration.ofSeconds(2), 1_000))
                .isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void shouldRefuseAMaximumBelowTheInitialDelay() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("initial <= max");
    }
}
