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

    /** The owner and claim time of a stored value; a value that is not a claim is an error naming the key. */
    static Holder holder(String key, byte[] value) {
        int at = 0;
        if (value.length == 0 || value[0] < 'A' || value[0] > 'Z') {
            throw notAClaim(key);
        }
        at++;
        long claimedAt = 0;
        int digitsFrom = at;
        while (at < value.length && value[at] >= '0' && value[at] <= '9') {
            claimedAt = claimedAt * 10 + (value[at++] - '0');
        }
        if (at == digitsFrom || at - digitsFrom > 18 || at >= value.length || value[at++] != '|') {
            throw notAClaim(key);
        }
        int ownerLength = 0;
        digitsFrom = at;
        while (at < value.length && value[at] >= '0' && value[at] <= '9') {
            ownerLength = ownerLength * 10 + (value[at++] - '0');
            if (ownerLength > value.length) {
                throw notAClaim(key);
            }
        }
        if (at == digitsFrom || at >= value.length || value[at++] != '|') {
            throw notAClaim(key);
        }
        digitsFrom = at;
        while (at < value.length && value[at] >= '0' && value[at] <= '9') {
            at++;
        }
        if (at == digitsFrom || at >= value.length || value[at++] != '|' || at + ownerLength > value.length) {
            throw notAClaim(key);
        }
        return new Holder(new String(value, at, ownerLength, StandardCharsets.UTF_8), claimedAt);
    }

    private static KeyStoreException notAClaim(String key) {
        return new KeyStoreException("not a Quondam claim: " + key);
    }
}
