-- The ledger: one row per payment, booked exactly once.
CREATE TABLE payments (
    payment_id       TEXT        PRIMARY KEY,
    account          TEXT        NOT NULL,
    amount_minor     BIGINT      NOT NULL,
    currency         CHAR(3)     NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    source_topic     TEXT        NOT NULL,
    source_partition INT         NOT NULL,
    source_offset    BIGINT      NOT NULL,
    booked_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The next offset to read per partition, written in the same transaction as the payments it covers.
-- This table, not the Kafka consumer group, decides where the consumer resumes.
CREATE TABLE consumer_offsets (
    topic       TEXT        NOT NULL,
    partition   INT         NOT NULL,
    next_offset BIGINT      NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, partition)
);

-- A second record for a booked payment_id, from other source coordinates: deduplication upstream leaked it.
-- Recorded with both coordinates, never booked.
CREATE TABLE leaked_duplicates (
    source_topic     TEXT        NOT NULL,
    source_partition INT         NOT NULL,
    source_offset    BIGINT      NOT NULL,
    payment_id       TEXT        NOT NULL,
    booked_topic     TEXT        NOT NULL,
    booked_partition INT         NOT NULL,
    booked_offset    BIGINT      NOT NULL,
    amount_minor     BIGINT      NOT NULL,
    currency         CHAR(3)     NOT NULL,
    detected_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source_topic, source_partition, source_offset)
);
CREATE INDEX leaked_duplicates_payment_id ON leaked_duplicates (payment_id);

-- Records the consumer could not book, kept whole so they can be repaired and replayed by hand.
CREATE TABLE quarantine (
    source_topic     TEXT        NOT NULL,
    source_partition INT         NOT NULL,
    source_offset    BIGINT      NOT NULL,
    reason           TEXT        NOT NULL,
    detail           TEXT        NOT NULL,
    record_key       BYTEA,
    record_value     BYTEA,
    quarantined_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source_topic, source_partition, source_offset)
);
