package io.quondam.payments;

import java.time.Instant;

/** One payment event as booked in the ledger; amounts are in the currency's minor unit (cents). */
public record Payment(String paymentId, String account, long amountMinor, String currency, Instant createdAt) {
}
