package io.quondam.stack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Java main class to run in a child JVM, on this JVM's classpath unless one is given, so a test can kill -9 a
 * real process; for example
 * {@code ChildJvm.of("io.quondam.dedup.Main").withJvmOptions("-Xmx256m").withEnvironment(env)}. Or a runnable jar,
 * {@code java -jar} ({@link #ofJar}): {@code mainClass} then only names it in messages.
 */
public record ChildJvm(String mainClass, List<String> arguments, List<String> jvmOptions,
                       Map<String, String> environment, String classpath, String jar) {

    public ChildJvm {
        arguments = List.copyOf(arguments);
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
    }

    public static ChildJvm of(String mainClass, String... arguments) {
        return new ChildJvm(mainClass, Arrays.asList(arguments), List.of(), Map.of(), "", "");
    }

    /** {@code java -jar jar}: the jar's manifest names the main class and nothing else is on the classpath. */
    public static ChildJvm ofJar(Path jar, String... arguments) {
        return new ChildJvm(jar.getFileName().toString(), Arrays.asList(arguments), List.of(), Map.of(), "",
                jar.toAbsolutePath().toString());
    }

    public ChildJvm withJvmOptions(String... options) {
        var all = new ArrayList<>(jvmOptions);
        all.addAll(Arrays.asList(options));
        return new ChildJvm(mainClass, arguments, all, environment, classpath, jar);
    }

    public ChildJvm withEnvironment(Map<String, String> variables) {
        var all = new LinkedHashMap<>(environment);
        all.putAll(variables);
        return new ChildJvm(mainClass, arguments, jvmOptions, all, classpath, jar);
    }

    /** Runs on {@code path} (say a service's shaded jar) instead of this JVM's classpath. */
    public ChildJvm withClasspath(String path) {
        return new ChildJvm(mainClass, arguments, jvmOptions, environment, path, jar);
    }

    /** Starts the JVM in the background; see {@link ChildProcess#start}. */
    public ChildProcess start(String name, Path logFile, Path pidFile) {
        return ChildProcess.start(name, command(), environment, logFile, pidFile);
    }

    /** Runs the JVM to completion (a tool, not a server) and returns its exit code. */
    public int run(Path logFile, Duration timeout) {
        try {
            Files.createDirectories(logFile.getParent());
            var builder = new ProcessBuilder(command())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new StackException(mainClass + " did not finish within " + timeout + "; see " + logFile);
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new StackException("cannot run " + mainClass, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted running " + mainClass, e);
        }
    }

    List<String> command() {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        if (!jar.isEmpty()) {
            command.add("-jar");
            command.add(jar);
            command.addAll(arguments);
            return command;
        }
        // Under Surefire/Failsafe this may be a single manifest-only jar whose Class-Path names the real jars;
        // the child JVM follows that manifest just like the test JVM does.
        command.add("-cp");
        command.add(classpath.isEmpty() ? System.getProperty("java.class.path") : classpath);
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }

    @Override
    public String toString() {
        return "ChildJvm[" + mainClass + " " + String.join(" ", arguments) + "]";
    }
}
