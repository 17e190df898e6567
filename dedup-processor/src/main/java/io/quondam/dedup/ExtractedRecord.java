package io.quondam.dedup;

/** A record whose idempotency key was found; passed from key extraction to the claim node. */
public record ExtractedRecord(String idempotencyKey, byte[] value) {
}
