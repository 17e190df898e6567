package io.quondam.store;

import java.nio.charset.StandardCharsets;

/**
 * A claim's value as the Lua scripts write and read it ({@code value.lua}), for the claims the client writes with a
 * plain {@code SET NX}: {@code <state><claimedAt>|<owner length>|<fingerprint length>|<owner><fingerprint><response>},
 * lengths in bytes. A new claim is in progress, with no fingerprint or response.
 */
final class ClaimValue {

    /** What the processor's claim path needs of an existing value. */
    record Holder(String owner, long claimedAtMillis) {
    }

    private ClaimValue() {
    }

    static byte[] inProgress(long claimedAtMillis, String owner) {
        byte[] ownerBytes = owner.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("P" + claimedAtMillis + "|" + ownerBytes.length + "|0|").getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[head.length + ownerBytes.length];
        System.arraycopy(head, 0, value, 0, head.length);
        System.arraycopy(ownerBytes, 0, value, head.length, ownerBytes.length);
        return value;
    }

    /**
     * The owner and claim time of a stored value; a value that is not a claim is an error naming the key. The first
     * three {@code |} always end the header: the owner, which may contain one, comes after them.
     */
    static Holder holder(String key, byte[] value) {
        if (value.length == 0 || value[0] < 'A' || value[0] > 'Z') {
            throw notAClaim(key);
        }
        int first = separator(key, value, 1);
        int second = separator(key, value, first + 1);
        int third = separator(key, value, second + 1);
        long claimedAt = digits(key, value, 1, first);
        long ownerLength = digits(key, value, first + 1, second);
        digits(key, value, second + 1, third); // the fingerprint's length: only its presence matters here
        int ownerFrom = third + 1;
        if (ownerFrom + ownerLength > value.length) {
            throw notAClaim(key);
        }
        return new Holder(new String(value, ownerFrom, (int) ownerLength, StandardCharsets.UTF_8), claimedAt);
    }

    private static int separator(String key, byte[] value, int from) {
        for (int at = from; at < value.length; at++) {
            if (value[at] == '|') {
                return at;
            }
        }
        throw notAClaim(key);
    }

    /** The number written in {@code value[from, to)}: 1 to 18 ASCII digits. */
    private static long digits(String key, byte[] value, int from, int to) {
        if (to == from || to - from > 18) {
            throw notAClaim(key);
        }
        long number = 0;
        for (int at = from; at < to; at++) {
            if (value[at] < '0' || value[at] > '9') {
                throw notAClaim(key);
            }
            number = number * 10 + (value[at] - '0');
        }
        return number;
    }

    private static KeyStoreException notAClaim(String key) {
        return new KeyStoreException("not a Quondam claim: " + key);
    }
}
