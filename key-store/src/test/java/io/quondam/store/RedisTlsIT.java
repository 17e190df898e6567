package io.quondam.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quondam.stack.StackOptions;
import io.quondam.stack.TlsMaterial;
import io.quondam.stack.TlsRedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract over TLS: a redis-server that speaks only TLS, with a certificate for 127.0.0.1 from a CA made for the
 * test, reached as the services' ACL user. And the ways a TLS connection must fail: a CA not trusted, a certificate
 * naming another host, a client that does not speak TLS.
 */
class RedisTlsIT extends KeyStoreContract {
    private static final RetryPolicy ONE_ATTEMPT = new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10));
    private static TlsMaterial tls;
    private static TlsRedisServer server;

    private final List<KeyStore> opened = new ArrayList<>();

    @BeforeAll
    static void startTlsRedis() {
        Path dir = Path.of("target", "it-tls");
        tls = TlsMaterial.generate(dir.resolve("certificates"));
        server = TlsRedisServer.start(dir, tls, "tls-admin-password");
    }

    @AfterAll
    static void stopTlsRedis() {
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void closeOpened() {
        opened.forEach(KeyStore::close);
    }

    @Override
    protected KeyStore newSession() {
        return open(settings(server.address(), RedisTls.trusting(tls.trustStore(), tls.trustStorePassword())));
    }

    private static RedisSettings settings(String address, RedisTls redisTls) {
        return RedisSettings.standalone(address, "")
                .withUser(StackOptions.SERVICE_USER, StackOptions.SERVICE_PASSWORD)
                .withTls(redisTls);
    }

    private KeyStore open(RedisSettings settings) {
        var store = new RedisKeyStore(settings, new SimpleMeterRegistry(), "tls-it-" + UUID.randomUUID());
        opened.add(store);
        return store;
    }

    @Test
    void shouldRefuseAServerWhoseCertificateNoTrustedAuthoritySigned() {
        var store = open(settings(server.address(), new RedisTls(true, "", "")).withRetry(ONE_ATTEMPT));

        assertThatThrownBy(() -> store.claim("tls", "untrusted", "owner", Duration.ofMinutes(1)))
                .isInstanceOf(KeyStoreUnavailableException.class)
                .hasStackTraceContaining("unable to find valid certification path");
    }

    @Test
    void shouldRefuseACertificateThatNamesAnotherHost() {
        String port = server.address().substring(server.address().indexOf(':') + 1);
        var store = open(settings("localhost:" + port, RedisTls.trusting(tls.trustStore(), tls.trustStorePassword()))
                .withRetry(ONE_ATTEMPT));

        assertThatThrownBy(() -> store.claim("tls", "other-host", "owner", Duration.ofMinutes(1)))
                .isInstanceOf(KeyStoreUnavailableException.class)
                .hasStackTraceContaining("No name matching localhost found");
    }

    @Test
    void shouldGetNoAnswerInPlainText() {
        var store = open(settings(server.address(), RedisTls.OFF).withRetry(ONE_ATTEMPT)
                .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500)));

        assertThatThrownBy(() -> store.claim("tls", "plain", "owner", Duration.ofMinutes(1)))
                .isInstanceOf(KeyStoreUnavailableException.class);
        assertThat(newSession().claim("tls", "plain", "owner", Duration.ofMinutes(1)))
                .as("nothing was claimed in plain text").isInstanceOf(ClaimResult.Claimed.class);
    }
}
