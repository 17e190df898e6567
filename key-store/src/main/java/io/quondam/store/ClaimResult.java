package io.quondam.store;

import java.util.Objects;

/** What the key store answered to a claim: the key is now ours, was already ours, or belongs to someone else. */
public sealed interface ClaimResult {

    /** The key was free and now belongs to the caller. */
    record Claimed(String owner) implements ClaimResult {
        public Claimed {
            Objects.requireNonNull(owner, "owner");
        }
    }

    /**
     * The caller already held the key: a retry or the replay of a record whose transaction was aborted.
     * The caller should act as if it had just claimed it.
     */
    record Replayed(String owner) implements ClaimResult {
        public Replayed {
            Objects.requireNonNull(owner, "owner");
        }
    }

    /** Another owner holds the key: the caller's record or request is a duplicate. */
    record Duplicate(String existingOwner) implements ClaimResult {
        public Duplicate {
            Objects.requireNonNull(existingOwner, "existingOwner");
        }
    }

    /** True when the caller may perform the effect (first occurrence or its own replay). */
    default boolean ownedByCaller() {
        return !(this instanceof Duplicate);
    }
}
