package io.quondam.load;

import java.util.Locale;

/**
 * One scenario's outcome as the fault matrix reports it. {@code verified} is false when the pipeline did not drain or
 * the run broke; {@code error} then says why.
 */
record ChaosResult(String name, long records, long leaked, long lost, long deadLettered, double maxStallSec,
                   boolean exactlyOnce, boolean verified, String error) {

    static ChaosResult verified(String name, VerificationReport report, double maxStallSec) {
        return new ChaosResult(name, report.produced(), report.leakedDuplicates(), report.lost(), report.deadLettered(),
                maxStallSec, report.exactlyOnce(), true, "");
    }

    static ChaosResult broken(String name, long records, double maxStallSec, String error) {
        return new ChaosResult(name, records, -1, -1, -1, maxStallSec, false, false, error);
    }

    boolean passed() {
        return verified && exactlyOnce;
    }

    static String header() {
        return String.format(Locale.ROOT, "| %-23s | %9s | %6s | %6s | %13s | %13s | %-16s |%n", "scenario", "records",
                "leaked", "lost", "dead-lettered", "max stall (s)", "verdict")
                + "|-------------------------|-----------|--------|--------|---------------|"
                + "---------------|------------------|";
    }

    String row() {
        return String.format(Locale.ROOT, "| %-23s | %,9d | %6s | %6s | %13s | %13.1f | %-16s |", name, records,
                count(leaked), count(lost), count(deadLettered), maxStallSec,
                passed() ? "exactly once" : verified ? "NOT EXACTLY ONCE" : "NOT VERIFIED");
    }

    private static String count(long value) {
        return value < 0 ? "?" : String.format(Locale.ROOT, "%,d", value);
    }

    String json() {
        return String.format(Locale.ROOT, "{\"name\":\"%s\",\"records\":%d,\"leaked\":%d,\"lost\":%d,"
                        + "\"deadLettered\":%d,"
                        + "\"maxStallSec\":%.1f,\"exactlyOnce\":%b%s}", name, records, leaked, lost, deadLettered,
                maxStallSec, passed(), error.isEmpty() ? "" : ",\"error\":\"" + error.replace("\\", "\\\\")
                        .replace("\"", "'").replaceAll("[\\r\\n\\t]", " ") + "\"");
    }
}
