package io.quondam.load;

import io.quondam.config.ConfigException;
import java.nio.file.Path;

/**
 * {@code verify}: compares the generator's manifest with the ledger and the topics, prints the report and, as its last
 * line, the JSON counts. Exits 1 when anything leaked, was lost, or is unaccounted for; 2 on bad arguments.
 */
public final class VerifyCli {
    private VerifyCli() {
    }

    public static void main(String[] args) throws Exception {
        var settings = CliArguments.parse(args);
        var manifestFile = Path.of(settings.nonEmpty("--manifest", "target/manifest.txt"));
        var targets = new Verifier.Targets(
                settings.nonEmpty("--bootstrap", "127.0.0.1:19092"),
                settings.nonEmpty("--output-topic", "payments.dedup"),
                settings.nonEmpty("--dlq-topic", "payments.dlq"),
                settings.nonEmpty("--duplicates-topic", "payments.duplicates"),
                settings.nonEmpty("--jdbc-url", "jdbc:postgresql://127.0.0.1:15432/postgres"),
                settings.nonEmpty("--db-user", "postgres"),
                settings.string("--db-password", ""));
        try {
            settings.validate();
        } catch (ConfigException e) {
            System.err.println("verify: " + e.getMessage());
            System.exit(2);
        }
        var report = Verifier.verify(Manifest.read(manifestFile), targets);
        System.out.println(report.human());
        System.out.println(report.toJson());
        System.exit(report.exactlyOnce() ? 0 : 1);
    }
}
