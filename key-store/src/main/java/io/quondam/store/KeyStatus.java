package io.quondam.store;

import java.time.Duration;

/** The state of a claimed key: who holds it, since when, and how long until it expires. */
public record KeyStatus(String owner, Duration age, Duration expiresIn) {
}
