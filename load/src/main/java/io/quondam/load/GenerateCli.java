package io.quondam.load;

import io.quondam.config.ConfigException;
import io.quondam.testdata.PaymentEvents;
import io.quondam.testdata.Pipeline;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code generate}: produces seeded payments with duplicates (and optionally malformed records) to the input topic and
 * writes the manifest of unique paymentIds for the verifier.
 */
public final class GenerateCli {
    private GenerateCli() {
    }

    public static void main(String[] args) throws Exception {
        var settings = CliArguments.parse(args);
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
        try {
            settings.validate();
        } catch (ConfigException e) {
            System.err.println("generate: " + e.getMessage());
            System.exit(2);
        }
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
