package io.quondam.load.gatling;

import io.quondam.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What the simulations are asked to do, from {@code quondam.load.*} system properties (Gatling builds a simulation
 * by reflection, so properties are how a launcher or {@code mvn gatling:test -D...} hands it settings). Defaults
 * aim at the stack of {@code scripts/stack.sh up}. Every problem is reported at once.
 *
 * @param rate payments (virtual users) started per second
 * @param keyApiRate key-api flows started per second, for each of the legacy and the /v1 flow
 * @param duplicatePercent share of all produced records that are resends
 * @param maxFailedPercent the assertion on failed requests, in percent of all requests
 */
public record LoadSettings(String bootstrap, String topic, int rate, Duration duration, int duplicatePercent,
                          Map<DuplicateShape, Integer> shapes, Duration delayedResendAfter, long seed,
                          Path manifest, String keyApiUrl, String keyApiToken, int keyApiRate, int p99BoundMillis,
                          double maxFailedPercent) {

    public static final String PREFIX = "quondam.load.";

    public LoadSettings {
        shapes = Map.copyOf(shapes);
    }

    public static LoadSettings fromSystemProperties() {
        return from(System.getProperties());
    }

    static LoadSettings from(Properties properties) {
        var values = new HashMap<String, String>();
        properties.stringPropertyNames().stream().filter(name -> name.startsWith(PREFIX))
                .forEach(name -> values.put(name.substring(PREFIX.length()), properties.getProperty(name)));
        var settings = Settings.of(values);
        Map<DuplicateShape, Integer> shapes = Map.of(DuplicateShape.IMMEDIATE, 1);
        try {
            shapes = DuplicateShape.parseWeights(
                    settings.nonEmpty("duplicate-shapes", "immediate=1,delayed=1,other-key=1"));
        } catch (IllegalArgumentException e) {
            settings.problem(PREFIX + "duplicate-shapes: " + e.getMessage());
        }
        int maxFailedPerMillion = settings.integer("max-failed-per-million", 500, 0, 1_000_000);
        var loaded = new LoadSettings(
                settings.nonEmpty("bootstrap", "127.0.0.1:19092"),
                settings.nonEmpty("topic", "payments"),
                settings.integer("rate", 200, 1, 100_000),
                settings.duration("duration", "60s", Duration.ofSeconds(1), Duration.ofHours(6)),
                settings.integer("duplicate-percent", 30, 0, 90),
                shapes,
                settings.duration("delayed-resend-after", "5s", Duration.ZERO, Duration.ofMinutes(10)),
                settings.integer("seed", 42, 0, Integer.MAX_VALUE),
                Path.of(settings.nonEmpty("manifest", "target/gatling/manifest.txt")),
                settings.nonEmpty("key-api-url", "http://127.0.0.1:8080"),
                settings.nonEmpty("key-api-token", "load-secret"),
                settings.integer("key-api-rate", 20, 1, 10_000),
                settings.integer("p99-bound-ms", 3000, 1, 600_000),
                maxFailedPerMillion / 10_000.0);
        settings.validate();
        return loaded;
    }

    /** These settings as the system properties that {@link #fromSystemProperties()} reads back. */
    public Map<String, String> asProperties() {
        var shapeText = new StringBuilder();
        shapes.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(weight ->
                shapeText.append(shapeText.length() == 0 ? "" : ",").append(weight.getKey().word()).append('=')
                        .append(weight.getValue()));
        var properties = new HashMap<String, String>();
        properties.put(PREFIX + "bootstrap", bootstrap);
        properties.put(PREFIX + "topic", topic);
        properties.put(PREFIX + "rate", Integer.toString(rate));
        properties.put(PREFIX + "duration", duration.toMillis() + "ms");
        properties.put(PREFIX + "duplicate-percent", Integer.toString(duplicatePercent));
        properties.put(PREFIX + "duplicate-shapes", shapeText.toString());
        properties.put(PREFIX + "delayed-resend-after", delayedResendAfter.toMillis() + "ms");
        properties.put(PREFIX + "seed", Long.toString(seed));
        properties.put(PREFIX + "manifest", manifest.toString());
        properties.put(PREFIX + "key-api-url", keyApiUrl);
        properties.put(PREFIX + "key-api-token", keyApiToken);
        properties.put(PREFIX + "key-api-rate", Integer.toString(keyApiRate));
        properties.put(PREFIX + "p99-bound-ms", Integer.toString(p99BoundMillis));
        properties.put(PREFIX + "max-failed-per-million", Long.toString(Math.round(maxFailedPercent * 10_000)));
        return properties;
    }
}
