package io.quondam.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One redis-server that speaks TLS only (its plain-text port is off), with AUTH and the services' ACL user, for tests
 * of TLS clients. It does not verify client certificates: Quondam authenticates with the password.
 */
public final class TlsRedisServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final int port;
    private final ChildProcess process;

    private TlsRedisServer(int port, ChildProcess process) {
        this.port = port;
        this.process = process;
    }

    /** Starts it under {@code dir} with the certificates of {@code tls}; returns once it accepts TLS connections. */
    public static TlsRedisServer start(Path dir, TlsMaterial tls, String password) {
        var layout = new StackLayout(dir);
        int port = FreePorts.allocate(1).get(0);
        String name = "redis-tls-" + port;
        Path nodeDir = layout.resetNodeDir(name);
        Path conf = nodeDir.resolve("redis.conf");
        RedisNode.writeConfig(conf, "bind 127.0.0.1\n"
                + "port 0\n"
                + "tls-port " + port + "\n"
                + "tls-cert-file " + tls.serverCert() + "\n"
                + "tls-key-file " + tls.serverKey() + "\n"
                + "tls-ca-cert-file " + tls.caCert() + "\n"
                + "tls-auth-clients no\n"
                + "requirepass " + password + "\n"
                + "user " + StackOptions.SERVICE_USER + " on >" + StackOptions.SERVICE_PASSWORD + " "
                + StackOptions.serviceUserRules() + "\n"
                + "save \"\"\n"
                + "appendonly no\n"
                + "logfile \"\"\n"
                + "dir " + nodeDir + "\n");
        Path redisServer = RedisServerBinary.locate(layout.binDir());
        var process = ChildProcess.start(name, List.of(redisServer.toString(), conf.toString()), Map.of(),
                layout.logFile(name), layout.pidFile(name));
        var server = new TlsRedisServer(port, process);
        try {
            Await.until(START_TIMEOUT, () -> {
                process.requireAlive();
                return server.logSays("Ready to accept connections");
            }, name + " to accept TLS connections");
            return server;
        } catch (RuntimeException e) {
            process.kill9();
            throw e;
        }
    }

    private boolean logSays(String text) {
        try {
            return Files.readString(process.logFile()).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code 127.0.0.1:port} of the TLS port. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
