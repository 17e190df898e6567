package io.quondam.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to the Redis data nodes and Sentinels: off, or on and trusting either the JVM's default CAs or those in
 * {@code trustStore} (PKCS12 or JKS). Either way the server's certificate must name the host connected to.
 */
public record RedisTls(boolean enabled, String trustStore, String trustStorePassword) {
    public static final RedisTls OFF = new RedisTls(false, "", "");

    public RedisTls {
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(trustStorePassword, "trustStorePassword");
    }

    /** TLS on, trusting the CAs in the PKCS12 or JKS file {@code trustStore}. */
    public static RedisTls trusting(Path trustStore, String password) {
        return new RedisTls(true, trustStore.toString(), password);
    }

    /**
     * The socket factory for these settings. Throws {@link IllegalArgumentException} naming the trust store when it
     * cannot be read, so that a service can report it with its other configuration problems.
     */
    public SSLSocketFactory socketFactory() {
        if (trustStore.isEmpty()) {
            return (SSLSocketFactory) SSLSocketFactory.getDefault();
        }
        try (InputStream in = Files.newInputStream(Path.of(trustStore))) {
            var store = KeyStore.getInstance(KeyStore.getDefaultType()); // PKCS12, which also reads JKS
            store.load(in, trustStorePassword.toCharArray());
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load the trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    /** Checks that the certificate names the host connected to, as HTTPS does. */
    public SSLParameters parameters() {
        var parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    @Override
    public String toString() {
        return enabled ? "on" + (trustStore.isEmpty() ? "" : " (trust store " + trustStore + ")") : "off";
    }
}
