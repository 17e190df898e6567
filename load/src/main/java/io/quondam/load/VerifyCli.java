package io.quondam.load;

import java.nio.file.Path;

/**
 * {@code verify}: compares the generator's manifest with the ledger and the topics, prints the report and, as its last
 * line, the JSON counts. Exits 1 when anything leaked, was lost, or is unaccounted for; 2 on bad arguments.
 */
public final class VerifyCli {
    static final String USAGE = """
            usage: verify [--manifest FILE] [--bootstrap HOST:PORT] [--jdbc-url URL] [--db-user U] [--db-password P]
                          [--output-topic T] [--dlq-topic T] [--duplicates-topic T]
            Compares the generator's manifest with the ledger (lost and leaked payments) and counts the committed
            records of the output, dead-letter and duplicates topics against the records produced. Exits 1 unless
            every payment was booked exactly once.
              --manifest FILE        the generator's manifest (default target/manifest.txt)
              --bootstrap HOST:PORT  Kafka bootstrap server (default 127.0.0.1:19092)
              --jdbc-url URL         the ledger (default jdbc:postgresql://127.0.0.1:15432/postgres)
              --db-user U            database user (default postgres)
              --db-password P        database password (default empty)
              --output-topic T       deduplicated topic (default payments.dedup)
              --dlq-topic T          dead-letter topic (default payments.dlq)
              --duplicates-topic T   audit topic of dropped duplicates (default payments.duplicates)
            """;

    private VerifyCli() {
    }

    public static void main(String[] args) throws Exception {
        var cli = CliArguments.parse("verify", USAGE, args);
        var settings = cli.settings();
        var manifestFile = Path.of(settings.nonEmpty("--manifest", "target/manifest.txt"));
        var targets = new Verifier.Targets(
                settings.nonEmpty("--bootstrap", "127.0.0.1:19092"),
                settings.nonEmpty("--output-topic", "payments.dedup"),
                settings.nonEmpty("--dlq-topic", "payments.dlq"),
                settings.nonEmpty("--duplicates-topic", "payments.duplicates"),
                settings.nonEmpty("--jdbc-url", "jdbc:postgresql://127.0.0.1:15432/postgres"),
                settings.nonEmpty("--db-user", "postgres"),
                settings.string("--db-password", ""));
        cli.validateOrExit();
        var report = Verifier.verify(Manifest.read(manifestFile), targets);
        System.out.println(report.human());
        System.out.println(report.toJson());
        System.exit(report.exactlyOnce() ? 0 : 1);
    }
}
