package io.quondam.payments;

import java.util.Locale;

/** Why a record went to the quarantine table instead of the ledger; stored as its lower-case, hyphenated name. */
public enum QuarantineReason {
    /** The record has no value. */
    TOMBSTONE,
    /** The value is not JSON (or not UTF-8, or has trailing content). */
    MALFORMED_JSON,
    /** The value is JSON, but not an object. */
    NOT_AN_OBJECT,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type, such as a string amount. */
    WRONG_TYPE,
    /** A field has the right type but a value the ledger cannot book, such as a currency "euro". */
    INVALID_VALUE,
    /** PostgreSQL refused the row although it parsed; caught by booking the batch record by record. */
    REJECTED_BY_DATABASE;

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
