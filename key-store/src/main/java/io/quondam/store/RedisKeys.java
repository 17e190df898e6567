package io.quondam.store;

/** The Redis key layout shared by every front end: {@code q:{namespace}:{idempotencyKey}}. */
final class RedisKeys {
    private RedisKeys() {
    }

    static String of(String namespace, String key) {
        return "q:{" + namespace + "}:" + key;
    }
}
