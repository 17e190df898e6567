package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quondam.config.ConfigException;
import io.quondam.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisSettingsReaderTest {

    private static Settings settings(Map<String, String> values) {
        var all = new HashMap<>(values);
        all.putIfAbsent("QUONDAM_REDIS_PASSWORD", "secret");
        return Settings.of(all);
    }

    @Test
    void shouldMapNoAddressByDefault() {
        var settings = settings(Map.of());

        var redis = RedisSettingsReader.read(settings);

        settings.validate();
        assertThat(redis.addressMap()).isEmpty();
    }

    @Test
    void shouldReadAClusterThroughItsNodes() {
        var settings = settings(Map.of("QUONDAM_REDIS_MODE", "cluster",
                "QUONDAM_REDIS_NODES", "redis-0.redis:6379, redis-1.redis:6379"));

        var redis = RedisSettingsReader.read(settings);

        settings.validate();
        assertThat(redis.mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
        assertThat(redis.nodes()).containsExactly("redis-0.redis:6379", "redis-1.redis:6379");
    }

    @Test
    void shouldRefuseAnAddressMapOutsideSentinelMode() {
        var settings = settings(Map.of("QUONDAM_REDIS_MODE", "cluster",
                "QUONDAM_REDIS_ADDRESS_MAP", "10.0.0.5:6379=127.0.0.1:16379"));

        RedisSettingsReader.read(settings);

        assertThatThrownBy(settings::validate).isInstanceOf(ConfigException.class)
                .hasMessageContaining("QUONDAM_REDIS_ADDRESS_MAP applies only when QUONDAM_REDIS_MODE=sentinel");
    }

    @Test
    void shouldReadAnnouncedToReachableAddressPairs() {
        var settings = settings(Map.of("QUONDAM_REDIS_ADDRESS_MAP",
                "10.0.0.5:6379=127.0.0.1:16379, 10.0.0.6:6379 = redis-b.example.net:16380"));

        var redis = RedisSettingsReader.read(settings);

        settings.validate();
        assertThat(redis.addressMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "10.0.0.5:6379", "127.0.0.1:16379",
                "10.0.0.6:6379", "redis-b.example.net:16380"));
    }

    @Test
    void shouldNameTheSettingAndEachBadEntryAlongWithOtherProblems() {
        var settings = settings(Map.of(
                "QUONDAM_REDIS_ADDRESS_MAP", "10.0.0.5:6379=127.0.0.1:16379,10.0.0.6:6379,a:1=b:port,c:1=d:2=e:3",
                "QUONDAM_REDIS_RETRY_ATTEMPTS", "often"));

        RedisSettingsReader.read(settings);

        assertThatThrownBy(settings::validate)
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(4))
                .hasMessageContaining("QUONDAM_REDIS_ADDRESS_MAP: '10.0.0.6:6379' is not host:port=host:port")
                .hasMessageContaining("QUONDAM_REDIS_ADDRESS_MAP: 'a:1=b:port' is not host:port=host:port")
                .hasMessageContaining("QUONDAM_REDIS_ADDRESS_MAP: 'c:1=d:2=e:3' is not host:port=host:port")
                .hasMessageContaining("QUONDAM_REDIS_RETRY_ATTEMPTS=often");
    }

    @Test
    void shouldRefuseAMaximumBackoffShorterThanTheFirst() {
        var settings = settings(Map.of("QUONDAM_REDIS_RETRY_BACKOFF", "5s", "QUONDAM_REDIS_RETRY_MAX_BACKOFF", "1s"));

        RedisSettingsReader.read(settings);

        assertThatThrownBy(settings::validate).hasMessageContaining(
                "QUONDAM_REDIS_RETRY_MAX_BACKOFF (PT1S) must not be shorter than QUONDAM_REDIS_RETRY_BACKOFF (PT5S)");
    }

    @Test
    void shouldLeaveTlsOffByDefaultAndTurnItOnWithTheDefaultTrustStore() {
        var off = settings(Map.of());
        assertThat(RedisSettingsReader.read(off).tls()).isEqualTo(RedisTls.OFF);
        off.validate();

        var on = settings(Map.of("QUONDAM_REDIS_TLS", "on"));
        var redis = RedisSettingsReader.read(on);

        on.validate();
        assertThat(redis.tls().enabled()).isTrue();
        assertThat(redis.tls().trustStore()).isEmpty();
    }

    @Test
    void shouldNameATrustStoreThatCannotBeReadOrIsGivenWithoutTls(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.p12"), "not a key store");
        var unreadable = settings(Map.of("QUONDAM_REDIS_TLS", "on",
                "QUONDAM_REDIS_TLS_TRUSTSTORE", garbage.toString()));
        RedisSettingsReader.read(unreadable);
        assertThatThrownBy(unreadable::validate).hasMessageContaining("QUONDAM_REDIS_TLS_TRUSTSTORE: cannot load the "
                + "trust store " + garbage);

        var missing = settings(Map.of("QUONDAM_REDIS_TLS", "on", "QUONDAM_REDIS_TLS_TRUSTSTORE",
                dir.resolve("missing.p12").toString()));
        RedisSettingsReader.read(missing);
        assertThatThrownBy(missing::validate).hasMessageContaining("QUONDAM_REDIS_TLS_TRUSTSTORE: cannot load");

        var withoutTls = settings(Map.of("QUONDAM_REDIS_TLS_TRUSTSTORE", garbage.toString()));
        RedisSettingsReader.read(withoutTls);
        assertThatThrownBy(withoutTls::validate)
                .hasMessageContaining("QUONDAM_REDIS_TLS_TRUSTSTORE applies only when QUONDAM_REDIS_TLS=on");
    }

    @Test
    void shouldRefuseAnAddressMappedTwice() {
        var settings = settings(Map.of("QUONDAM_REDIS_ADDRESS_MAP", "10.0.0.5:6379=a:1,10.0.0.5:6379=b:2"));

        RedisSettingsReader.read(settings);

        assertThatThrownBy(settings::validate)
                .hasMessageContaining("QUONDAM_REDIS_ADDRESS_MAP: '10.0.0.5:6379' is mapped more than once");
    }

    @Test
    void shouldRefuseAnAddressMapInStandaloneModeWhereNoSentinelAnnouncesAddresses() {
        var settings = settings(Map.of("QUONDAM_REDIS_MODE", "standalone",
                "QUONDAM_REDIS_ADDRESS_MAP", "10.0.0.5:6379=127.0.0.1:16379"));

        RedisSettingsReader.read(settings);

        assertThatThrownBy(settings::validate)
                .hasMessageContaining("QUONDAM_REDIS_ADDRESS_MAP applies only when QUONDAM_REDIS_MODE=sentinel");
    }
}
