package io.quondam.store;

import java.util.Objects;

/**
 * What the key store answered to {@link KeyStore#complete}: stored (or already stored, identically), held by someone
 * else, completed before with something else, or not claimed.
 */
public sealed interface CompleteResult {

    /**
     * The response is stored and the key is COMPLETED; its expiry is unchanged. Also the answer to a completion that
     * repeats the stored one exactly (same owner, response and fingerprint).
     */
    record Completed() implements CompleteResult {
    }

    /** Another owner holds the key: nothing was stored. */
    record NotOwner(String existingOwner) implements CompleteResult {
        public NotOwner {
            Objects.requireNonNull(existingOwner, "existingOwner");
        }
    }

    /**
     * The owner completed the key before with another response or fingerprint: nothing was stored, so that every
     * retry replays the first result.
     */
    record CompletedDifferently() implements CompleteResult {
    }

    /** The key is not claimed (never, released, or expired): nothing was stored. */
    record NotFound() implements CompleteResult {
    }
}
