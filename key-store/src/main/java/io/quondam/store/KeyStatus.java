package io.quondam.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of a claimed key: who holds it, since when, how long until it expires, and — once the holder
 * completed its operation — the stored response and the fingerprint of the request that produced it.
 */
public record KeyStatus(String owner, Duration expiresIn, KeyState state, Optional<String> response,
                        Optional<String> fingerprint) {
    public KeyStatus {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(expiresIn, "expiresIn");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** A key claimed and not completed yet. */
    public KeyStatus(String owner, Duration expiresIn) {
        this(owner, expiresIn, KeyState.IN_PROGRESS, Optional.empty(), Optional.empty());
    }
}
