package io.quondam.load;

import io.quondam.testdata.PaymentEvents;
import io.quondam.testdata.Pipeline;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code generate}: produces seeded payments with duplicates (and optionally malformed records) to the input topic and
 * writes the manifest of unique paymentIds for the verifier.
 */
public final class GenerateCli {
    static final String USAGE = """
            usage: generate [--events N] [--duplicate-percent P] [--malformed-percent P] [--seed S] [--rate R]
                            [--topic T] [--bootstrap HOST:PORT] [--manifest FILE]
            Produces seeded payment records with duplicates and malformed records to a topic, and writes the manifest
            of the unique payments that the verifier checks the ledger against.
              --events N             records to produce (default 100000)
              --duplicate-percent P  share of records that resend an earlier payment (default 30)
              --malformed-percent P  share of records that are not valid payments (default 0)
              --seed S               the same seed gives the same records (default 42)
              --rate R               records per second, 0 for as fast as the broker takes them (default 0)
              --topic T              input topic (default payments)
              --bootstrap HOST:PORT  Kafka bootstrap server (default 127.0.0.1:19092)
              --manifest FILE        where to write the manifest (default target/manifest.txt)
            """;

    private GenerateCli() {
    }

    public static void main(String[] args) throws Exception {
        var cli = CliArguments.parse("generate", USAGE, args);
        var settings = cli.settings();
        int events = settings.integer("--events", 100_000, 1, 100_000_000);
        int duplicatePercent = settings.integer("--duplicate-percent", 30, 0, 90);
        int malformedPercent = settings.integer("--malformed-percent", 0, 0, 50);
        long seed = settings.integer("--seed", 42, 0, Integer.MAX_VALUE);
        int rate = settings.integer("--rate", 0, 0, 10_000_000);
        String topic = settings.nonEmpty("--topic", "payments");
        String bootstrap = settings.nonEmpty("--bootstrap", "127.0.0.1:19092");
        Path manifestFile = Path.of(settings.nonEmpty("--manifest", "target/manifest.txt"));
        if (duplicatePercent + malformedPercent >= 100) {
            settings.problem("--duplicate-percent plus --malformed-percent must stay below 100");
        }
        cli.validateOrExit();
        var generated = PaymentEvents.generate(events, duplicatePercent / 100.0, malformedPercent / 100.0, seed);
        var manifest = Manifest.of(generated, seed);
        manifest.write(manifestFile);
        try (var pipeline = new Pipeline(bootstrap)) {
            pipeline.produce(topic, generated, rate == 0 ? Integer.MAX_VALUE : rate, new AtomicInteger()).get();
        }
        System.out.printf("produced %d records to %s: %d unique payments, %d duplicates, %d malformed; manifest %s%n",
                manifest.produced(), topic, manifest.unique(), manifest.duplicates(), manifest.malformed(),
                manifestFile.toAbsolutePath());
    }
}
