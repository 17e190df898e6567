package io.quondam.stack;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link FaultProxy} does with the connections and bytes it sees: one immutable value, so that a relay thread
 * reading it once sees a whole mode, never half of a switch.
 */
record ProxyMode(String name, boolean keepsConnections, boolean forwardsBytes, Duration latency) {

    ProxyMode {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(latency, "latency");
    }

    static ProxyMode pass() {
        return new ProxyMode("pass", true, true, Duration.ZERO);
    }

    static ProxyMode delay(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + latency);
        }
        return new ProxyMode("delay " + latency.toMillis() + " ms", true, true, latency);
    }

    static ProxyMode blackhole() {
        return new ProxyMode("blackhole", true, false, Duration.ZERO);
    }

    static ProxyMode drop() {
        return new ProxyMode("drop", false, false, Duration.ZERO);
    }

    @Override
    public String toString() {
        return name;
    }
}
