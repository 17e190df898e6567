package io.quondam.load.gatling;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** How a producer repeats a payment it already sent: the three ways an at-least-once pipeline duplicates a record. */
public enum DuplicateShape {
    /** Sent again at once with the same record key: a producer retry after a lost acknowledgement. */
    IMMEDIATE("resend immediate"),
    /** Sent again later with the same record key: an upstream replay or a batch job run twice. */
    DELAYED("resend delayed"),
    /** Sent again under another record key, so it lands on another partition: no per-partition dedup can see it. */
    OTHER_KEY("resend other key");

    private final String requestName;

    DuplicateShape(String requestName) {
        this.requestName = requestName;
    }

    /** The name this resend has in the Gatling report. */
    public String requestName() {
        return requestName;
    }

    /** {@code immediate}, {@code delayed} or {@code other-key}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Weights from {@code immediate=1,delayed=1,other-key=1}; shapes not named get weight 0.
     *
     * @throws IllegalArgumentException naming the bad part, or when every weight is 0
     */
    public static Map<DuplicateShape, Integer> parseWeights(String text) {
        var weights = new EnumMap<DuplicateShape, Integer>(DuplicateShape.class);
        for (DuplicateShape shape : values()) {
            weights.put(shape, 0);
        }
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=", 2);
            DuplicateShape shape = null;
            for (DuplicateShape candidate : values()) {
                if (candidate.word().equals(kv[0].trim())) {
                    shape = candidate;
                }
            }
            if (shape == null || kv.length != 2 || !kv[1].trim().matches("\\d{1,6}")) {
                throw new IllegalArgumentException("'" + part.trim() + "' is not shape=weight with a shape of "
                        + "immediate, delayed, other-key and a whole number weight");
            }
            weights.put(shape, Integer.parseInt(kv[1].trim()));
        }
        if (weights.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException("at least one duplicate shape needs a weight above 0");
        }
        return weights;
    }
}
