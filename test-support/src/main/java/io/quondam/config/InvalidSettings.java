package io.quondam.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * For tests: values that each kind of setting must refuse, so that a service's configuration test can give every
 * setting its code reads ({@link Settings#settingsRead()}) a bad value and expect a start-up error naming it.
 */
public final class InvalidSettings {

    /** One setting given a value it must refuse, or left out where it is required. */
    public record Case(String name, Optional<String> value) {

        /** {@code valid} with this setting made invalid. */
        public Map<String, String> applyTo(Map<String, String> valid) {
            var values = new LinkedHashMap<>(valid);
            value.ifPresentOrElse(v -> values.put(name, v), () -> values.remove(name));
            return values;
        }

        @Override
        public String toString() {
            return value.map(v -> name + "=" + (v.length() > 40 ? v.substring(0, 40) + "..." : v))
                    .orElse(name + " left out");
        }
    }

    private InvalidSettings() {
    }

    /**
     * A case for each value each setting must refuse. Settings read as free text refuse what {@code refusedText}
     * says, or nothing when listed in {@code anyText}; one in neither is an error, so that a new free-text setting
     * cannot slip past the test that uses this.
     */
    public static List<Case> forEachSetting(Map<String, Settings.Kind> read, Map<String, List<String>> refusedText,
                                            Set<String> anyText) {
        var stale = new ArrayList<String>(refusedText.keySet());
        stale.addAll(anyText);
        stale.removeAll(read.keySet());
        if (!stale.isEmpty()) {
            throw new IllegalArgumentException("not read by the service: " + stale);
        }
        var cases = new ArrayList<Case>();
        read.forEach((name, kind) -> {
            if (kind == Settings.Kind.REQUIRED) {
                cases.add(new Case(name, Optional.empty()));
            } else {
                refused(name, kind, refusedText, anyText)
                        .forEach(value -> cases.add(new Case(name, Optional.of(value))));
            }
        });
        return cases;
    }

    private static List<String> refused(String name, Settings.Kind kind, Map<String, List<String>> refusedText,
                                        Set<String> anyText) {
        // The out-of-range numbers and durations lie outside the range of every setting the services read.
        return switch (kind) {
            case TEXT -> {
                if (anyText.contains(name)) {
                    yield List.of();
                }
                if (!refusedText.containsKey(name)) {
                    throw new IllegalArgumentException(name + " is read as free text: say which values it refuses,"
                            + " or that it takes any text");
                }
                yield refusedText.get(name);
            }
            case NON_EMPTY -> List.of("", "   ");
            case REQUIRED -> List.of();
            case INTEGER -> List.of("ten", "", "1.5", "-2", "2000000000");
            case DURATION -> List.of("soon", "", "-1s", "-PT1S", "3650d");
            case CHOICE -> List.of("bogus", "");
            case ADDRESS -> List.of("localhost", "", ":6379", "host:0", "host:65536", "host:port");
            case ADDRESSES -> List.of("localhost", "", "127.0.0.1:1,nohost", "host:65536");
            case ADDRESS_MAP -> List.of("127.0.0.1:6379", "a:1=b", "a:1=b:2=c:3", "a:1=b:2,a:1=c:3");
            case TOPIC -> List.of("", "bad topic", "..", "t".repeat(250), "payments/dlq");
            case OPTIONAL_TOPIC -> List.of("bad topic", "..", "t".repeat(250));
            case PATH -> List.of("", "bad\0path");
        };
    }

    /** {@code valid} with every setting made invalid at once, each with the first value it must refuse. */
    public static Map<String, String> allAtOnce(Map<String, String> valid, List<Case> cases) {
        var first = new LinkedHashMap<String, Case>();
        cases.forEach(c -> first.putIfAbsent(c.name(), c));
        var values = valid;
        for (var invalid : first.values()) {
            values = invalid.applyTo(values);
        }
        return values;
    }

    /** Matches a problem that names {@code setting} as a whole word (not QUONDAM_TOKENS within QUONDAM_TOKENS_FILE). */
    public static Pattern naming(String setting) {
        return Pattern.compile("(?<![A-Z0-9_])" + Pattern.quote(setting) + "(?![A-Z0-9_])");
    }
}
