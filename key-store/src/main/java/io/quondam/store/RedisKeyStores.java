package io.quondam.store;

import io.micrometer.core.instrument.MeterRegistry;

/** Opens the key store session the settings describe: one master (Sentinel, standalone) or a Redis Cluster. */
public final class RedisKeyStores {
    private RedisKeyStores() {
    }

    public static KeyStore open(RedisSettings settings, MeterRegistry registry, String clientName) {
        return settings.mode() == RedisSettings.Mode.CLUSTER
                ? new RedisClusterKeyStore(settings, registry, clientName)
                : new RedisKeyStore(settings, registry, clientName);
    }
}
