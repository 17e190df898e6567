package io.quondam.payments;

/** What the parser made of a record's value: a payment to book, or a reason to quarantine it. */
public sealed interface ParsedRecord {

    /** A well-formed payment. */
    record Valid(Payment payment) implements ParsedRecord {
    }

    /** A record the ledger cannot book; {@code detail} names the field or the parse error. */
    record Malformed(QuarantineReason reason, String detail) implements ParsedRecord {
    }
}
