package io.quondam.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Redis key layout shared by every front end: {@code q:} and the first {@value #DIGEST_BYTES} bytes of the SHA-256
 * of the namespace and the idempotency key, whatever their length. Short keys keep Redis's memory per claim small;
 * 96 bits make an accidental collision (which would drop a first occurrence as a duplicate) vanishingly rare, and
 * finding a key that collides with another tenant's means breaking SHA-256. No byte of a key is '{', so on a Redis
 * Cluster a key hashes as a whole: a key's slot follows from the key alone, and keys spread evenly over the slots.
 */
final class RedisKeys {
    static final int DIGEST_BYTES = 12;
    private static final byte[] PREFIX = {'q', ':'};

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    });

    private RedisKeys() {
    }

    static byte[] of(String namespace, String key) {
        WellFormedText.require("the namespace", namespace);
        WellFormedText.require("the key", key);
        byte[] space = namespace.getBytes(StandardCharsets.UTF_8);
        var digest = SHA_256.get();
        // The namespace's length first, so that no two (namespace, key) pairs hash the same bytes.
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(space.length).array());
        digest.update(space);
        byte[] hash = digest.digest(key.getBytes(StandardCharsets.UTF_8));
        byte[] redisKey = new byte[PREFIX.length + DIGEST_BYTES];
        System.arraycopy(PREFIX, 0, redisKey, 0, PREFIX.length);
        for (int i = 0; i < DIGEST_BYTES; i++) {
            redisKey[PREFIX.length + i] = hash[i] == '{' ? (byte) '|' : hash[i];
        }
        return redisKey;
    }
}
