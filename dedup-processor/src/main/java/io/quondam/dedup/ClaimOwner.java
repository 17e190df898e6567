package io.quondam.dedup;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The owner a processor claims a key for: the input record that carries it, as a 64-bit number in decimal, which
 * Redis stores in 16 bytes instead of a string. Within one partition two offsets never share a number (the mix is a
 * bijection of the offset); records of different partitions or topics share one with odds of 2^-64, which is what a
 * duplicate would need to pass as a replay.
 */
public final class ClaimOwner {
    private static final Map<String, Long> TOPIC_HASHES = new ConcurrentHashMap<>();

    private ClaimOwner() {
    }

    /** The owner of the record at {@code offset} of {@code topic}'s {@code partition}. */
    public static String of(String topic, int partition, long offset) {
        long base = mix(TOPIC_HASHES.computeIfAbsent(topic, ClaimOwner::fnv1a) * 0x9E3779B97F4A7C15L + partition);
        return Long.toString(mix(base + offset));
    }

    /** FNV-1a, 64 bits, of the topic's name. */
    private static long fnv1a(String topic) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : topic.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** MurmurHash3's 64-bit finaliser: a bijection that spreads every input bit over the output. */
    private static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9e63fe53e1bL;
        h ^= h >>> 33;
        return h;
    }
}
