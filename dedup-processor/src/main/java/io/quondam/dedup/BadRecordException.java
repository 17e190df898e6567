package io.quondam.dedup;

/** A record that cannot be deduplicated; it goes to the dead-letter topic with this reason and message. */
public final class BadRecordException extends Exception {
    private final BadRecordReason reason;

    public BadRecordException(BadRecordReason reason, String message) {
        super(message, null, false, false); // expected and frequent: no stack trace
        this.reason = reason;
    }

    public BadRecordReason reason() {
        return reason;
    }
}
