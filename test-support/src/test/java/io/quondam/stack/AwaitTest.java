package io.quondam.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void shouldReturnOnceTheConditionHolds() {
        var polls = new AtomicInteger();

        Await.until(Duration.ofSeconds(5), () -> polls.incrementAndGet() == 3, "third poll");

        assertThat(polls).hasValue(3);
    }

    @Test
    void shouldNameWhatItWaitedForOnTimeout() {
        assertThatThrownBy(() -> Await.until(Duration.ofMillis(200), () -> false, "the impossible"))
                .isInstanceOf(Await.AwaitTimeoutException.class)
                .hasMessage("timed out after 200 ms waiting for the impossible");
    }

    @Test
    void shouldPropagateAnExceptionFromTheConditionAtOnce() {
        assertThatThrownBy(() -> Await.until(Duration.ofMinutes(1), () -> {
            throw new StackException("process exited");
        }, "a dead process")).isInstanceOf(StackException.class).hasMessage("process exited");
    }

    @Test
    void shouldReturnTheFirstValuePresent() {
        var polls = new AtomicInteger();

        String value = Await.untilPresent(Duration.ofSeconds(5),
                () -> polls.incrementAndGet() < 2 ? Optional.empty() : Optional.of("ready"), "a value");

        assertThat(value).isEqualTo("ready");
    }
}
