package io.quondam.load;

import io.quondam.testdata.CommittedRecords;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** Compares a manifest with what the pipeline committed: the output topics (read_committed) and the ledger. */
public final class Verifier {
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);

    /** Where to look. */
    public record Targets(String bootstrap, String outputTopic, String deadLetterTopic, String duplicatesTopic,
                          String jdbcUrl, String dbUser, String dbPassword) {
    }

    private Verifier() {
    }

    public static VerificationReport verify(Manifest manifest, Targets targets) throws SQLException {
        var forwarded = CommittedRecords.paymentIds(targets.bootstrap(), targets.outputTopic(), READ_TIMEOUT);
        long forwardedCount = forwarded.values().stream().mapToLong(Integer::longValue).sum();
        long repeatedInTopic = forwarded.values().stream().mapToLong(n -> n - 1).sum();
        long duplicates = CommittedRecords.count(targets.bootstrap(), targets.duplicatesTopic(), READ_TIMEOUT);
        long deadLettered = CommittedRecords.count(targets.bootstrap(), targets.deadLetterTopic(), READ_TIMEOUT);

        Set<String> booked = new HashSet<>();
        long leakedInLedger;
        try (var db = DriverManager.getConnection(targets.jdbcUrl(), targets.dbUser(), targets.dbPassword());
             var statement = db.createStatement()) {
            try (var rows = statement.executeQuery("SELECT payment_id FROM payments")) {
                while (rows.next()) {
                    booked.add(rows.getString(1));
                }
            }
            try (var rows = statement.executeQuery("SELECT count(*) FROM leaked_duplicates")) {
                rows.next();
                leakedInLedger = rows.getLong(1);
            }
        }
        var lost = manifest.uniquePaymentIds().stream().filter(id -> !booked.contains(id)).toList();
        return new VerificationReport(manifest.produced(), manifest.unique(), forwardedCount, duplicates, deadLettered,
                booked.size(), Math.max(leakedInLedger, repeatedInTopic), lost.size(),
                lost.stream().limit(10).toList());
    }
}
