package io.quondam.store;

/**
 * Text that goes to Redis must be a sequence of Unicode scalar values. Java strings may hold a lone UTF-16 surrogate
 * (from a JSON escape such as {@code "\ud800"}); encoding it as UTF-8 replaces it with {@code '?'}, so two different
 * strings would reach Redis as one and their claims would merge. Such text is refused, never rewritten.
 */
public final class WellFormedText {
    private WellFormedText() {
    }

    /** The index of the first lone surrogate in {@code text}, or -1 when it is well-formed. */
    public static int firstLoneSurrogate(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++; // a pair: one supplementary code point
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    public static boolean isWellFormed(CharSequence text) {
        return firstLoneSurrogate(text) < 0;
    }

    /** {@code text}, or an {@link IllegalArgumentException} naming {@code what} and where it is broken. */
    static String require(String what, String text) {
        int at = firstLoneSurrogate(text);
        if (at >= 0) {
            throw new IllegalArgumentException(what + " is not well-formed Unicode: a lone surrogate at index " + at);
        }
        return text;
    }
}
