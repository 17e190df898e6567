package io.quondam.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a server certificate for 127.0.0.1 signed by it, made with the JDK's keytool:
 * PEM files for redis-server ({@code ca.crt}, {@code server.crt}, {@code server.key}) and a PKCS12 trust store holding
 * the CA for Java clients ({@code truststore.p12}).
 */
public record TlsMaterial(Path caCert, Path serverCert, Path serverKey, Path trustStore, String trustStorePassword) {
    private static final String PASSWORD = "quondam-tls";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /** Generates everything into {@code dir} (created if needed); the certificates are valid for two days. */
    public static TlsMaterial generate(Path where) {
        Path dir = where.toAbsolutePath(); // keytool runs in dir: relative paths would resolve twice
        try {
            Files.createDirectories(dir);
            Path ca = dir.resolve("ca.p12");
            Path server = dir.resolve("server.p12");
            Path request = dir.resolve("server.csr");
            var material = new TlsMaterial(dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"),
                    dir.resolve("truststore.p12"), PASSWORD);
            for (Path file : List.of(ca, server, request, material.caCert, material.serverCert, material.serverKey,
                    material.trustStore)) {
                Files.deleteIfExists(file);
            }
            keytool(dir, "-genkeypair", "-alias", "ca", "-dname", "CN=Quondam test CA", "-ext", "bc:c",
                    "-keystore", ca.toString(), "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
            keytool(dir, "-genkeypair", "-alias", "server", "-dname", "CN=127.0.0.1", "-keystore", server.toString(),
                    "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2");
            keytool(dir, "-certreq", "-alias", "server", "-keystore", server.toString(), "-file", request.toString());
            keytool(dir, "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", request.toString(),
                    "-outfile", material.serverCert.toString(), "-ext", "san=ip:127.0.0.1", "-rfc", "-validity", "2");
            keytool(dir, "-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-file", material.caCert.toString(),
                    "-rfc");
            keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", material.caCert.toString(),
                    "-keystore", material.trustStore.toString());
            writePrivateKey(server, material.serverKey);
            return material;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write TLS material into " + dir, e);
        }
    }

    /** redis-server reads a PKCS#8 PEM key; keytool only exports certificates, so the key comes out of the keystore. */
    private static void writePrivateKey(Path keyStore, Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(keyStore)) {
            var store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            byte[] key = store.getKey("server", PASSWORD.toCharArray()).getEncoded();
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key);
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the server key from " + keyStore, e);
        }
    }

    private static void keytool(Path dir, String... arguments) {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new StackException("keytool " + arguments[0] + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool from " + System.getProperty("java.home"), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while running keytool", e);
        }
    }
}
