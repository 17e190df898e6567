package io.quondam.dedup;

import java.util.Locale;

/** Why a record went to the dead-letter topic; the code is the value of the {@code quondam.error.class} header. */
public enum BadRecordReason {
    MALFORMED_JSON,
    INVALID_UTF8,
    MISSING_KEY,
    EMPTY_KEY,
    KEY_TOO_LONG,
    WRONG_KEY_TYPE,
    /** The key header occurs more than once: which one the producer meant cannot be known. */
    AMBIGUOUS_KEY,
    /** The key is not a sequence of Unicode scalar values (a JSON escape of a lone surrogate). */
    INVALID_KEY,
    TOMBSTONE,
    VALUE_TOO_LARGE,
    /** The record, or the copy the processor would write of it, is larger than the producer sends. */
    RECORD_TOO_LARGE;

    /** The stable, lower-case code written to the header, e.g. {@code malformed-json}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
