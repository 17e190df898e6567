package io.quondam.dedup;

/** Where a record's idempotency key is read from. */
public enum KeySource {
    /** A JSON pointer into the record value, {@code /paymentId} by default. */
    JSON_POINTER,
    /** A record header, {@code idempotency-key} by default. */
    HEADER,
    /** The record key. */
    RECORD_KEY
}
