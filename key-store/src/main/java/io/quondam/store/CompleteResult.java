package io.quondam.store;

import java.util.Objects;

/** What the key store answered to {@link KeyStore#complete}: stored, held by someone else, or not claimed. */
public sealed interface CompleteResult {

    /** The response is stored and the key is COMPLETED; its expiry is unchanged. */
    record Completed() implements CompleteResult {
    }

    /** Another owner holds the key: nothing was stored. */
    record NotOwner(String existingOwner) implements CompleteResult {
        public NotOwner {
            Objects.requireNonNull(existingOwner, "existingOwner");
        }
    }

    /** The key is not claimed (never, released, or expired): nothing was stored. */
    record NotFound() implements CompleteResult {
    }
}
