package io.quondam.store;

import java.nio.charset.StandardCharsets;

/**
 * A claim's value as the Lua scripts write and read it ({@code value.lua}), for the claims the client writes with a
 * plain {@code SET NX}. A claim in progress with no fingerprint, whose owner does not start with an uppercase ASCII
 * letter, is its owner alone (the bare form; Redis keeps a decimal owner as a number). Any other value is
 * {@code <state><owner length>|<fingerprint length>|<owner><fingerprint><response>}, lengths in bytes.
 */
final class ClaimValue {

    private ClaimValue() {
    }

    /** The value of a new claim in progress for {@code owner}, with no fingerprint. */
    static byte[] inProgress(String owner) {
        byte[] ownerBytes = owner.getBytes(StandardCharsets.UTF_8);
        if (isBare(ownerBytes)) {
            return ownerBytes;
        }
        byte[] head = ("P" + ownerBytes.length + "|0|").getBytes(StandardCharsets.US_ASCII);
        byte[] value = new byte[head.length + ownerBytes.length];
        System.arraycopy(head, 0, value, 0, head.length);
        System.arraycopy(ownerBytes, 0, value, head.length, ownerBytes.length);
        return value;
    }

    private static boolean isBare(byte[] value) {
        return value.length > 0 && (value[0] < 'A' || value[0] > 'Z');
    }

    /**
     * The owner of a stored value; a value that is not a claim is an error naming {@code namespace/key}. The first two
     * {@code |} always end the full form's header: the owner, which may contain one, comes after them.
     */
    static String owner(String namespace, String key, byte[] value) {
        try {
            return owner(value);
        } catch (IllegalArgumentException e) {
            throw new KeyStoreException("not a Quondam claim: " + namespace + "/" + key);
        }
    }

    private static String owner(byte[] value) {
        if (value.length == 0) {
            throw notAClaim();
        }
        if (isBare(value)) {
            return new String(value, StandardCharsets.UTF_8);
        }
        int first = separator(value, 1);
        int second = separator(value, first + 1);
        long ownerLength = digits(value, 1, first);
        digits(value, first + 1, second); // the fingerprint's length: only its presence matters here
        int ownerFrom = second + 1;
        if (ownerFrom + ownerLength > value.length) {
            throw notAClaim();
        }
        return new String(value, ownerFrom, (int) ownerLength, StandardCharsets.UTF_8);
    }

    private static int separator(byte[] value, int from) {
        for (int at = from; at < value.length; at++) {
            if (value[at] == '|') {
                return at;
            }
        }
        throw notAClaim();
    }

    /** The number written in {@code value[from, to)}: 1 to 18 ASCII digits. */
    private static long digits(byte[] value, int from, int to) {
        if (to == from || to - from > 18) {
            throw notAClaim();
        }
        long number = 0;
        for (int at = from; at < to; at++) {
            if (value[at] < '0' || value[at] > '9') {
                throw notAClaim();
            }
            number = number * 10 + (value[at] - '0');
        }
        return number;
    }

    private static IllegalArgumentException notAClaim() {
        return new IllegalArgumentException("not a Quondam claim");
    }
}
