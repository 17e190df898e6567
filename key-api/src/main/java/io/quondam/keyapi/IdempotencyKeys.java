package io.quondam.keyapi;

import java.nio.charset.StandardCharsets;

/** Checks an idempotency key from a client: 1–255 bytes of UTF-8 without control characters. */
final class IdempotencyKeys {
    static final int MAX_BYTES = 255;

    private IdempotencyKeys() {
    }

    static String validate(String key) {
        if (key == null || key.isEmpty()) {
            throw ApiProblem.badRequest("the key must not be empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw ApiProblem.badRequest("the key is longer than " + MAX_BYTES + " bytes of UTF-8");
        }
        if (key.codePoints().anyMatch(Character::isISOControl)) {
            throw ApiProblem.badRequest("the key contains control characters");
        }
        // A lone surrogate (from a bad percent-encoding) would be stored as '?' in UTF-8: refuse it.
        if (!StandardCharsets.UTF_8.newEncoder().canEncode(key)) {
            throw ApiProblem.badRequest("the key is not valid UTF-8");
        }
        return key;
    }
}
