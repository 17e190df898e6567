package io.quondam.keyapi;

import io.quondam.config.Settings;
import io.quondam.store.KeyStore;
import io.quondam.store.RedisSettings;
import io.quondam.store.RedisSettingsReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The key-api's settings, read once from {@code QUONDAM_*} environment variables and validated at start.
 *
 * @param maxPreferWait the longest a claim of a key in progress may wait for it ({@code Prefer: wait=N})
 * @param failoverHold how long a write that cannot be confirmed yet (a failover) is held before it is answered 503
 */
public record KeyApiConfig(String host, int port, TenantTokens tokens, LegacyAuth legacyAuth, Duration defaultTtl,
                           Duration maxTtl, int bodyLimitBytes, int storeSessions, RedisSettings redis, int minReplicas,
                           Duration waitTimeout, Duration maxPreferWait, Duration failoverHold) {
    /** Whether the legacy {@code /keys} routes need a bearer token; with one, each tenant gets its own shards. */
    public enum LegacyAuth { NONE, BEARER }

    public KeyApiConfig {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(legacyAuth, "legacyAuth");
        Objects.requireNonNull(defaultTtl, "defaultTtl");
        Objects.requireNonNull(maxTtl, "maxTtl");
        Objects.requireNonNull(redis, "redis");
    }

    public static KeyApiConfig read(Settings settings) {
        String host = settings.nonEmpty("QUONDAM_HTTP_HOST", "0.0.0.0");
        int port = settings.integer("QUONDAM_HTTP_PORT", 8080, 0, 65535);
        var problems = new ArrayList<String>();
        var tokens = TenantTokens.parse(settings.string("QUONDAM_TOKENS", "") + "," + tokensFile(settings), problems);
        problems.forEach(settings::problem);
        if (tokens.isEmpty() && problems.isEmpty()) {
            settings.problem("QUONDAM_TOKENS is missing: tenant=token[,tenant=sha256:<hex>...] "
                    + "(or QUONDAM_TOKENS_FILE naming a file with one tenant=token per line)");
        }
        // Secure by default: 'none' is an explicit opt-out for clients of the original service during a migration.
        var legacyAuth = settings.choice("QUONDAM_LEGACY_AUTH", LegacyAuth.BEARER, LegacyAuth.class);
        var defaultTtl = settings.duration("QUONDAM_KEY_TTL", "24h", Duration.ofSeconds(1), Duration.ofDays(365));
        var maxTtl = settings.duration("QUONDAM_MAX_KEY_TTL", "7d", Duration.ofSeconds(1), Duration.ofDays(365));
        if (defaultTtl.compareTo(maxTtl) > 0) {
            settings.problem("QUONDAM_KEY_TTL must not be longer than QUONDAM_MAX_KEY_TTL");
        }
        int bodyLimit = settings.integer("QUONDAM_BODY_LIMIT_BYTES", 64 * 1024, 1024, 16 * 1024 * 1024);
        int sessions = settings.integer("QUONDAM_REDIS_SESSIONS", 8, 1, 256);
        var redis = RedisSettingsReader.read(settings);
        int minReplicas = settings.integer("QUONDAM_MIN_REPLICAS", KeyStore.DEFAULT_MIN_REPLICAS, 0, 16);
        var waitTimeout = settings.duration("QUONDAM_WAIT_TIMEOUT", "1s", Duration.ofMillis(1), Duration.ofMinutes(1));
        if (minReplicas > 0 && waitTimeout.compareTo(redis.socketTimeout()) >= 0) {
            settings.problem("QUONDAM_WAIT_TIMEOUT (" + waitTimeout + ") must be shorter than "
                    + "QUONDAM_REDIS_SOCKET_TIMEOUT (" + redis.socketTimeout() + ")");
        }
        var maxPreferWait = settings.duration("QUONDAM_MAX_PREFER_WAIT", "10s", Duration.ZERO, Duration.ofMinutes(5));
        var failoverHold = settings.duration("QUONDAM_FAILOVER_HOLD", "10s", Duration.ZERO, Duration.ofMinutes(5));
        settings.validate();
        return new KeyApiConfig(host, port, tokens, legacyAuth, defaultTtl, maxTtl, bodyLimit, sessions, redis,
                minReplicas, waitTimeout, maxPreferWait, failoverHold);
    }

    /** The entries of {@code QUONDAM_TOKENS_FILE}, one {@code tenant=token} per line, '#' starts a comment. */
    private static String tokensFile(Settings settings) {
        String name = settings.string("QUONDAM_TOKENS_FILE", "");
        if (name.isEmpty()) {
            return "";
        }
        try {
            return Files.readAllLines(Path.of(name), StandardCharsets.UTF_8).stream()
                    .map(line -> line.replaceFirst("#.*", "").trim())
                    .filter(line -> !line.isEmpty())
                    .collect(Collectors.joining(","));
        } catch (IOException | RuntimeException e) {
            settings.problem("QUONDAM_TOKENS_FILE=" + name + " cannot be read (" + e.getClass().getSimpleName() + ")");
            return "";
        }
    }

    /** Settings for tests and embedding: no Redis is used by the app itself, only by {@link Main}. */
    public static KeyApiConfig forTests(TenantTokens tokens) {
        return forTests(tokens, LegacyAuth.NONE);
    }

    public static KeyApiConfig forTests(TenantTokens tokens, LegacyAuth legacyAuth) {
        return new KeyApiConfig("127.0.0.1", 0, tokens, legacyAuth, Duration.ofHours(24), Duration.ofDays(7),
                64 * 1024, 1,
                RedisSettings.sentinel(List.of("127.0.0.1:26379"), "quondam", "", ""), 0, Duration.ofSeconds(1),
                Duration.ofSeconds(10), KeyStorePool.DEFAULT_FAILOVER_HOLD);
    }
}
