package io.quondam.store;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What the key store answered to a claim made through the HTTP API ({@link KeyStore#claimKey}), which unlike the
 * processor's {@link ClaimResult} also tells a finished operation (with its stored response) from a running one.
 */
public sealed interface KeyClaim {

    /** The key was free and now belongs to the caller, IN_PROGRESS. */
    record Claimed(String owner, Duration expiresIn) implements KeyClaim {
        public Claimed {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(expiresIn, "expiresIn");
        }
    }

    /** The caller already holds the key and has not completed it: a retried claim. */
    record AlreadyOwned(String owner, Duration expiresIn) implements KeyClaim {
        public AlreadyOwned {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(expiresIn, "expiresIn");
        }
    }

    /** Another owner holds the key and has not completed it yet. */
    record InProgress(String existingOwner, Duration expiresIn) implements KeyClaim {
        public InProgress {
            Objects.requireNonNull(existingOwner, "existingOwner");
            Objects.requireNonNull(expiresIn, "expiresIn");
        }
    }

    /** The operation behind the key is done: its stored response, and the fingerprint it was stored with, if any. */
    record Completed(String owner, Duration expiresIn, String response, Optional<String> fingerprint)
            implements KeyClaim {
        public Completed {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(expiresIn, "expiresIn");
            Objects.requireNonNull(response, "response");
            Objects.requireNonNull(fingerprint, "fingerprint");
        }
    }
}
