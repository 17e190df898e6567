package io.quondam.store;

import io.quondam.config.Settings;
import java.time.Duration;
import java.util.List;

/** Reads {@link RedisSettings} from the {@code QUONDAM_REDIS_*} settings shared by every Quondam service. */
public final class RedisSettingsReader {
    private RedisSettingsReader() {
    }

    public static RedisSettings read(Settings settings) {
        var mode = settings.choice("QUONDAM_REDIS_MODE", RedisSettings.Mode.SENTINEL, RedisSettings.Mode.class);
        var sentinels = settings.addresses("QUONDAM_REDIS_SENTINELS",
                "127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381");
        String masterName = settings.nonEmpty("QUONDAM_REDIS_MASTER_NAME", "quondam");
        String address = settings.address("QUONDAM_REDIS_ADDRESS", "127.0.0.1:6379");
        var nodes = settings.addresses("QUONDAM_REDIS_NODES", "127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002");
        String user = settings.string("QUONDAM_REDIS_USER", "");
        String password = settings.required("QUONDAM_REDIS_PASSWORD",
                "the Redis password (set it to the empty string only for a Redis without AUTH)");
        String sentinelPassword = settings.string("QUONDAM_SENTINEL_PASSWORD", "");
        var connectTimeout = settings.duration("QUONDAM_REDIS_CONNECT_TIMEOUT", "2s",
                Duration.ofMillis(10), Duration.ofMinutes(1));
        var socketTimeout = settings.duration("QUONDAM_REDIS_SOCKET_TIMEOUT", "2s",
                Duration.ofMillis(10), Duration.ofMinutes(1));
        int attempts = settings.integer("QUONDAM_REDIS_RETRY_ATTEMPTS", 6, 1, 100);
        var backoff = settings.duration("QUONDAM_REDIS_RETRY_BACKOFF", "100ms", Duration.ofMillis(1),
                Duration.ofMinutes(1));
        var maxBackoff = settings.duration("QUONDAM_REDIS_RETRY_MAX_BACKOFF", "2s", Duration.ofMillis(1),
                Duration.ofMinutes(5));
        if (maxBackoff.compareTo(backoff) < 0) {
            settings.problem("QUONDAM_REDIS_RETRY_MAX_BACKOFF (" + maxBackoff
                    + ") must not be shorter than QUONDAM_REDIS_RETRY_BACKOFF (" + backoff + ")");
            maxBackoff = backoff;
        }
        var retry = new RetryPolicy(attempts, backoff, maxBackoff);
        var addressMap = settings.addressPairs("QUONDAM_REDIS_ADDRESS_MAP", "");
        if (mode != RedisSettings.Mode.SENTINEL && !addressMap.isEmpty()) {
            // Only a Sentinel announces addresses; ignoring the map silently would hide a mistaken setup.
            settings.problem("QUONDAM_REDIS_ADDRESS_MAP applies only when QUONDAM_REDIS_MODE=sentinel");
        }
        var tls = readTls(settings);
        // Where a problem was recorded, fall back to a placeholder: validate() throws before it is used.
        return new RedisSettings(mode, sentinels.isEmpty() ? List.of("127.0.0.1:26379") : sentinels,
                masterName.isEmpty() ? "quondam" : masterName, address.isBlank() ? "127.0.0.1:6379" : address,
                nodes.isEmpty() ? List.of("127.0.0.1:7000") : nodes, user,
                password, sentinelPassword, connectTimeout, socketTimeout, retry, addressMap, tls);
    }

    /** Whether TLS is on or off for the data nodes and the Sentinels. */
    private enum TlsSwitch { OFF, ON }

    private static RedisTls readTls(Settings settings) {
        boolean on = settings.choice("QUONDAM_REDIS_TLS", TlsSwitch.OFF, TlsSwitch.class) == TlsSwitch.ON;
        String trustStore = settings.string("QUONDAM_REDIS_TLS_TRUSTSTORE", "").strip();
        String password = settings.string("QUONDAM_REDIS_TLS_TRUSTSTORE_PASSWORD", "");
        if (!on) {
            if (!trustStore.isEmpty()) {
                settings.problem("QUONDAM_REDIS_TLS_TRUSTSTORE applies only when QUONDAM_REDIS_TLS=on");
            }
            return RedisTls.OFF;
        }
        var tls = new RedisTls(true, trustStore, password);
        try {
            tls.socketFactory(); // a missing or unreadable trust store is a start-up error, not a failed connection
        } catch (IllegalArgumentException e) {
            settings.problem("QUONDAM_REDIS_TLS_TRUSTSTORE: " + e.getMessage());
        }
        return tls;
    }
}
