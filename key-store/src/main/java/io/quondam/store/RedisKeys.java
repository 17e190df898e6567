package io.quondam.store;

/**
 * The Redis key layout shared by every front end: {@code q:{namespace}:idempotencyKey}, the namespace being the hash
 * tag. The layout is injective: '%' and '}' in a namespace are written as {@code %25} and {@code %7D}, so the first
 * '}' always ends the namespace and two different (namespace, key) pairs never name one Redis key.
 */
final class RedisKeys {
    private RedisKeys() {
    }

    static String of(String namespace, String key) {
        WellFormedText.require("the namespace", namespace);
        WellFormedText.require("the key", key);
        return "q:{" + escape(namespace) + "}:" + key;
    }

    private static String escape(String namespace) {
        if (namespace.indexOf('%') < 0 && namespace.indexOf('}') < 0) {
            return namespace;
        }
        return namespace.replace("%", "%25").replace("}", "%7D");
    }
}
