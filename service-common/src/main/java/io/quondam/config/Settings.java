package io.quondam.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Reads named settings from environment variables, overridden by a {@code --config file.properties} argument, and
 * collects every problem instead of failing on the first, so that one start-up error names them all.
 * Call {@link #validate()} after reading everything.
 */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    /** Kafka's rule for topic names: what the broker would refuse only after the service had connected. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    /** How a setting was read, and so which values it refuses. */
    public enum Kind {
        TEXT, NON_EMPTY, REQUIRED, INTEGER, DURATION, CHOICE, ADDRESS, ADDRESSES, ADDRESS_MAP, TOPIC, OPTIONAL_TOPIC,
        PATH
    }

    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Kind> read = new LinkedHashMap<>();

    private Settings(Map<String, String> values) {
        this.values = values;
    }

    public static Settings of(Map<String, String> values) {
        return new Settings(new HashMap<>(values));
    }

    /** Environment variables, then the properties file named by {@code --config <file>} in {@code args}, if any. */
    public static Settings fromEnvironment(String[] args) {
        var values = new HashMap<>(System.getenv());
        var settings = new Settings(values);
        var arguments = Arrays.asList(args);
        int at = arguments.indexOf("--config");
        if (at >= 0) {
            if (at + 1 >= arguments.size()) {
                settings.problems.add("--config needs a file name");
            } else {
                settings.readFile(Path.of(arguments.get(at + 1)));
            }
        }
        return settings;
    }

    private void readFile(Path file) {
        var properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
            properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name).trim()));
        } catch (IOException e) {
            problems.add("--config " + file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** A setting with a default; present but empty means empty. */
    public String string(String name, String defaultValue) {
        read.put(name, Kind.TEXT);
        return raw(name, defaultValue);
    }

    private String raw(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue).trim();
    }

    /** A setting without a default: missing is a problem. It may be set to the empty string on purpose. */
    public String required(String name, String meaning) {
        read.put(name, Kind.REQUIRED);
        String value = values.get(name);
        if (value == null) {
            problems.add(name + " is missing: " + meaning);
            return "";
        }
        return value.trim();
    }

    /** A non-empty setting with a default; set but empty is a problem. */
    public String nonEmpty(String name, String defaultValue) {
        read.put(name, Kind.NON_EMPTY);
        String value = raw(name, defaultValue);
        if (value.isEmpty()) {
            problems.add(name + " must not be empty");
        }
        return value;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        read.put(name, Kind.INTEGER);
        String raw = raw(name, Integer.toString(defaultValue));
        try {
            int value = Integer.parseInt(raw);
            if (value < min || value > max) {
                problems.add(name + "=" + raw + " is out of range [" + min + ", " + max + "]");
                return defaultValue;
            }
            return value;
        } catch (NumberFormatException e) {
            problems.add(name + "=" + raw + " is not a whole number");
            return defaultValue;
        }
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 1d} or ISO-8601 {@code PT30S}. */
    public Duration duration(String name, String defaultValue, Duration min, Duration max) {
        read.put(name, Kind.DURATION);
        String raw = raw(name, defaultValue);
        Duration value = parseDuration(raw);
        if (value == null) {
            problems.add(name + "=" + raw + " is not a duration (examples: 500ms, 30s, 5m, 24h, 1d, PT30S)");
            return parseDuration(defaultValue);
        }
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            problems.add(name + "=" + raw + " is out of range [" + min + ", " + max + "]");
            return parseDuration(defaultValue);
        }
        return value;
    }

    static Duration parseDuration(String raw) {
        var text = raw.trim().toLowerCase(Locale.ROOT);
        if (text.equals("0")) {
            return Duration.ZERO; // "off" for the settings whose range allows zero
        }
        var matcher = DURATION.matcher(text);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(raw.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** One of a fixed set of lower-case words, mapped to an enum constant ({@code per-commit} → {@code PER_COMMIT}). */
    public <E extends Enum<E>> E choice(String name, E defaultValue, Class<E> type) {
        read.put(name, Kind.CHOICE);
        String raw = raw(name, word(defaultValue));
        for (E constant : type.getEnumConstants()) {
            if (word(constant).equals(raw.toLowerCase(Locale.ROOT))) {
                return constant;
            }
        }
        var allowed = Arrays.stream(type.getEnumConstants()).map(Settings::word).toList();
        problems.add(name + "=" + raw + " is not one of " + allowed);
        return defaultValue;
    }

    public static String word(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A comma-separated list of {@code host:port} addresses. */
    public List<String> addresses(String name, String defaultValue) {
        read.put(name, Kind.ADDRESSES);
        var result = new ArrayList<String>();
        boolean anyGiven = false;
        for (String part : raw(name, defaultValue).split(",")) {
            String address = part.trim();
            if (address.isEmpty()) {
                continue;
            }
            anyGiven = true;
            if (isAddress(address)) {
                result.add(address);
            } else {
                problems.add(name + ": '" + address + "' is not host:port");
            }
        }
        if (!anyGiven) {
            problems.add(name + " needs at least one host:port");
        }
        return result;
    }

    /**
     * A comma-separated list of {@code host:port=host:port} pairs, as a map from the left address to the right one;
     * empty when not set. Each address is checked as in {@link #addresses}.
     */
    public Map<String, String> addressPairs(String name, String defaultValue) {
        read.put(name, Kind.ADDRESS_MAP);
        var result = new LinkedHashMap<String, String>();
        for (String part : raw(name, defaultValue).split(",")) {
            String pair = part.trim();
            if (pair.isEmpty()) {
                continue;
            }
            String[] sides = pair.split("=", -1);
            String announced = sides[0].trim();
            String reachable = sides.length == 2 ? sides[1].trim() : "";
            if (sides.length != 2 || !isAddress(announced) || !isAddress(reachable)) {
                problems.add(name + ": '" + pair + "' is not host:port=host:port");
            } else if (result.putIfAbsent(announced, reachable) != null) {
                problems.add(name + ": '" + announced + "' is mapped more than once");
            }
        }
        return result;
    }

    /** One {@code host:port} address. */
    public String address(String name, String defaultValue) {
        read.put(name, Kind.ADDRESS);
        String address = raw(name, defaultValue);
        if (!isAddress(address)) {
            problems.add(name + ": '" + address + "' is not host:port");
        }
        return address;
    }

    private static boolean isAddress(String address) {
        int colon = address.lastIndexOf(':');
        return colon > 0 && isPort(address.substring(colon + 1));
    }

    /** A Kafka topic name: 1-249 of a-z A-Z 0-9 . _ - and neither "." nor "..". */
    public String topic(String name, String defaultValue) {
        read.put(name, Kind.TOPIC);
        String topic = raw(name, defaultValue);
        checkTopic(name, topic);
        return topic;
    }

    /** A topic name that may be left empty to turn off what the topic is for. */
    public String optionalTopic(String name) {
        read.put(name, Kind.OPTIONAL_TOPIC);
        String topic = raw(name, "");
        if (!topic.isEmpty()) {
            checkTopic(name, topic);
        }
        return topic;
    }

    private void checkTopic(String name, String topic) {
        if (topic.isEmpty()) {
            problems.add(name + " must not be empty");
        } else if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            problems.add(name + "=" + topic + " is not a Kafka topic name (1-249 of a-z A-Z 0-9 . _ -)");
        }
    }

    /** A file system path; a name the file system cannot hold is a problem here rather than an exception later. */
    public Path path(String name, String defaultValue) {
        read.put(name, Kind.PATH);
        String raw = raw(name, defaultValue);
        if (raw.isEmpty()) {
            problems.add(name + " must not be empty");
            return Path.of(defaultValue);
        }
        try {
            return Path.of(raw);
        } catch (InvalidPathException e) {
            problems.add(name + "=" + raw + " is not a valid path (" + e.getReason() + ")");
            return Path.of(defaultValue);
        }
    }

    private static boolean isPort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port > 0 && port < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Pass-through settings: every variable named {@code prefix + NAME} becomes {@code name} in lower case with
     * dots for underscores ({@code QUONDAM_STREAMS_SESSION_TIMEOUT_MS} → {@code session.timeout.ms}).
     */
    public Map<String, String> passThrough(String prefix) {
        var result = new java.util.TreeMap<String, String>();
        values.forEach((name, value) -> {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                result.put(name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value.trim());
            }
        });
        return result;
    }

    /**
     * Records a problem for each of {@code overrides} (as read by {@link #passThrough}) that names one of the
     * {@code fixed} properties: {@code <prefix><PROPERTY> cannot be overridden: <property> is fixed by <fixedBy>}.
     */
    public void refuseFixed(String prefix, Map<String, String> overrides, java.util.Set<String> fixed,
                            String fixedBy) {
        overrides.keySet().stream().filter(fixed::contains).sorted()
                .forEach(property -> problem(prefix + property.toUpperCase(Locale.ROOT).replace('.', '_')
                        + " cannot be overridden: " + property + " is fixed by " + fixedBy));
    }

    /**
     * Every setting read so far, in order, and how: the list of a service's settings as its code reads them, which
     * tests use to give each one a value it must refuse.
     */
    public Map<String, Kind> settingsRead() {
        return Collections.unmodifiableMap(read);
    }

    /** Records a problem found by a cross-setting check. */
    public void problem(String description) {
        problems.add(description);
    }

    /** Throws {@link ConfigException} naming every problem met so far. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
