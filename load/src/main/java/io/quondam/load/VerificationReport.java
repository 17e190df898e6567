package io.quondam.load;

import java.util.List;

/**
 * What the verifier found. Exactly once means: every unique payment booked once ({@code lost == 0}), no payment booked
 * or forwarded twice ({@code leakedDuplicates == 0}), and every input record accounted for
 * ({@code produced == forwarded + duplicatesDropped + deadLettered}).
 *
 * @param leakedDuplicates second records of one payment that reached the ledger (its leak table) or the output topic
 * @param lostExamples up to ten paymentIds that never reached the ledger
 */
public record VerificationReport(
        long produced,
        long uniquePayments,
        long forwarded,
        long duplicatesDropped,
        long deadLettered,
        long ledgerRows,
        long leakedDuplicates,
        long lost,
        List<String> lostExamples) {

    public boolean invariantHolds() {
        return produced == forwarded + duplicatesDropped + deadLettered;
    }

    public boolean exactlyOnce() {
        return lost == 0 && leakedDuplicates == 0 && invariantHolds() && ledgerRows == uniquePayments;
    }

    /** The counts as JSON members, without braces, for a caller to embed in its own line. */
    public String jsonMembers() {
        return "\"produced\":" + produced + ",\"uniquePayments\":" + uniquePayments + ",\"forwarded\":" + forwarded
                + ",\"duplicatesDropped\":" + duplicatesDropped + ",\"deadLettered\":" + deadLettered
                + ",\"ledgerRows\":" + ledgerRows + ",\"leakedDuplicates\":" + leakedDuplicates + ",\"lost\":" + lost;
    }

    public String toJson() {
        return "{" + jsonMembers() + "}";
    }

    /** A few lines for a person. */
    public String human() {
        return String.format("""
                produced           %,d records (%,d unique payments)
                forwarded          %,d   duplicates dropped %,d   dead-lettered %,d   (sum %s produced)
                ledger rows        %,d
                leaked duplicates  %,d
                lost payments      %,d%s
                verdict            %s""",
                produced, uniquePayments, forwarded, duplicatesDropped, deadLettered,
                invariantHolds() ? "=" : "≠", ledgerRows, leakedDuplicates, lost,
                lostExamples.isEmpty() ? "" : " e.g. " + lostExamples,
                exactlyOnce() ? "EXACTLY ONCE" : "NOT EXACTLY ONCE");
    }
}
