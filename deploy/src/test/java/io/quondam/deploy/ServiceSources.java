package io.quondam.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service reads and serves, taken from its main sources: the {@code QUONDAM_*} settings its Config class
 * names (with the shared Redis settings of key-store when it uses them), the pass-through prefixes such as
 * {@code QUONDAM_STREAMS_}, the required ones, and the HTTP paths it registers (its own or the shared OpsServer's).
 */
record ServiceSources(String module, Set<String> settings, Set<String> prefixes, Set<String> required,
                      String sourceText) {
    private static final Pattern SETTING = Pattern.compile("\"(QUONDAM_[A-Z0-9_]+)\"");
    private static final Pattern REQUIRED = Pattern.compile("required\\(\"(QUONDAM_[A-Z0-9_]+)\"");

    static ServiceSources of(String module) {
        var files = new ArrayList<>(Repository.files(Repository.path(module + "/src/main/java"), ".java"));
        String own = text(files);
        // Shared code the service calls: the Redis settings (key-store) and the ops HTTP server (service-common).
        if (own.contains("RedisSettingsReader")) {
            files.add(Repository.path("key-store/src/main/java/io/quondam/store/RedisSettingsReader.java"));
        }
        if (own.contains("OpsServer")) {
            files.add(Repository.path("service-common/src/main/java/io/quondam/ops/OpsServer.java"));
        }
        String all = text(files);
        var settings = new TreeSet<String>();
        var prefixes = new TreeSet<String>();
        Matcher matcher = SETTING.matcher(all);
        while (matcher.find()) {
            (matcher.group(1).endsWith("_") ? prefixes : settings).add(matcher.group(1));
        }
        var required = new TreeSet<String>();
        Matcher requiredMatcher = REQUIRED.matcher(all);
        while (requiredMatcher.find()) {
            required.add(requiredMatcher.group(1));
        }
        return new ServiceSources(module, settings, prefixes, required, all);
    }

    boolean reads(String name) {
        return settings.contains(name) || prefixes.stream().anyMatch(name::startsWith);
    }

    /** Whether the sources register {@code path} as a route (a string literal of exactly that path). */
    boolean serves(String path) {
        return sourceText.contains("\"" + path + "\"");
    }

    private static String text(List<Path> files) {
        var text = new StringBuilder();
        files.forEach(file -> text.append(Repository.read(file)).append('\n'));
        return text.toString();
    }
}
