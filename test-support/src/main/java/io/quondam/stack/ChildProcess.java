package io.quondam.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OS process of the stack, started here or found again through its pid file, that can be killed, stopped,
 * paused and resumed by pid.
 */
public final class ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

    private final String name;
    private final ProcessHandle handle;
    private final Path logFile;
    private final PidFile pidFile;
    private volatile boolean paused;

    private ChildProcess(String name, ProcessHandle handle, Path logFile, PidFile pidFile) {
        this.name = name;
        this.handle = handle;
        this.logFile = logFile;
        this.pidFile = pidFile;
    }

    /**
     * Starts {@code command} with stdout and stderr appended to {@code logFile} (a restarted node keeps the log of
     * its crash) and stdin from /dev/null: no pipes, so the child never blocks on a full buffer and outlives the JVM
     * that started it.
     */
    public static ChildProcess start(String name, List<String> command, Map<String, String> environment,
                                     Path logFile, Path pidFile) {
        try {
            Files.createDirectories(logFile.getParent());
            var builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            var child = new ChildProcess(name, process.toHandle(), logFile, new PidFile(pidFile));
            child.pidFile.write(process.pid());
            LOG.info("Started {} (pid {}), log {}", name, process.pid(), logFile);
            return child;
        } catch (IOException e) {
            throw new StackException("cannot start " + name + " (" + command.get(0) + ")", e);
        }
    }

    /** The process named in {@code pidFile}, if it is still the live process that file was written for. */
    public static Optional<ChildProcess> attach(String name, Path pidFile, Path logFile) {
        var file = new PidFile(pidFile);
        return file.liveProcess().map(handle -> new ChildProcess(name, handle, logFile, file));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    /** Throws with the end of the log if the process has exited; for readiness checks that should fail fast. */
    public void requireAlive() {
        if (!isAlive()) {
            throw new StackException(name + " (pid " + pid() + ") exited; last lines of " + logFile + ":\n"
                    + logTail(20));
        }
    }

    /** SIGKILL, then waits for the process to be gone. */
    public void kill9() {
        if (handle.isAlive()) {
            handle.destroyForcibly();
        }
        if (!awaitExit(KILL_TIMEOUT)) {
            throw new StackException(name + " (pid " + pid() + ") survived SIGKILL for " + KILL_TIMEOUT);
        }
        pidFile.delete();
    }

    /** SIGTERM, and SIGKILL if the process is still alive after {@code grace}. */
    public void stop(Duration grace) {
        stopAll(List.of(this), grace);
    }

    /** SIGTERM to all at once, so they shut down in parallel; SIGKILL to those still alive after {@code grace}. */
    public static void stopAll(List<ChildProcess> processes, Duration grace) {
        processes.forEach(ChildProcess::terminate);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ChildProcess process : processes) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!process.awaitExit(left)) {
                LOG.warn("{} ignored SIGTERM for {} ms, sending SIGKILL", process, grace.toMillis());
            }
            process.kill9();
        }
    }

    private void terminate() {
        handle.destroy();
        if (paused) {
            resume(); // a stopped process only acts on SIGTERM once it runs again
        }
    }

    /** SIGINT: for servers whose SIGTERM waits for their clients, the signal for a fast shutdown (PostgreSQL). */
    public void interrupt() {
        signal("INT");
    }

    /** SIGSTOP: the process keeps its sockets but answers nothing, like a host that vanished from the network. */
    public void pause() {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        signal("CONT");
        paused = false;
    }

    /** Polls rather than {@code onExit()}, which notices a process that is not our child only seconds late. */
    public boolean awaitExit(Duration timeout) {
        try {
            Await.until(timeout, () -> !handle.isAlive(), this + " to exit");
            return true;
        } catch (Await.AwaitTimeoutException e) {
            return false;
        }
    }

    /** The last {@code lines} lines of the log, for error messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log not readable: " + e.getMessage() + ")";
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new StackException("kill -" + signal + " " + pid() + " (" + name + ") failed");
            }
        } catch (IOException e) {
            throw new StackException("cannot run kill -" + signal + " for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted sending SIG" + signal + " to " + name, e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
