package io.quondam.dedup;

import io.quondam.config.Settings;
import java.util.HashMap;
import java.util.Map;

/** Processor configurations for tests: the defaults plus the given overrides. */
final class TestConfigs {
    private TestConfigs() {
    }

    static ProcessorConfig config(String... keyValues) {
        var values = new HashMap<String, String>();
        values.put("QUONDAM_REDIS_PASSWORD", "");
        values.put("QUONDAM_DUPLICATES_TOPIC", "payments.duplicates");
        values.put("QUONDAM_CLAIM_BATCH", "1"); // each record's outcome is visible at once; batching tests set more
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ProcessorConfig.from(Settings.of(Map.copyOf(values)));
    }
}
