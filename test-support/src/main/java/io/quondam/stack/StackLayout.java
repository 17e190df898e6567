package io.quondam.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Where the stack keeps its files: {@code pids/<name>.pid}, {@code logs/<name>.log}, one directory per node. */
public record StackLayout(Path dir) {

    public StackLayout {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path pidsDir() {
        return dir.resolve("pids");
    }

    public Path pidFile(String name) {
        return pidsDir().resolve(name + ".pid");
    }

    public Path logFile(String name) {
        return dir.resolve("logs").resolve(name + ".log");
    }

    /** Config and data of one node; {@link #resetNodeDir} empties it so every start is a fresh stack. */
    public Path nodeDir(String name) {
        return dir.resolve(name);
    }

    public Path binDir() {
        return dir.resolve("bin");
    }

    public Path envFile() {
        return dir.resolve("stack.env");
    }

    /** Deletes and recreates the node directory of {@code name}. */
    public Path resetNodeDir(String name) {
        return recreate(nodeDir(name));
    }

    /** Names of all pid files, live or stale, sorted. */
    public List<String> pidFileNames() {
        if (!Files.isDirectory(pidsDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(pidsDir())) {
            return files.map(file -> file.getFileName().toString())
                    .filter(file -> file.endsWith(".pid"))
                    .map(file -> file.substring(0, file.length() - ".pid".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + pidsDir(), e);
        }
    }

    /** The processes of this directory that are still alive, found through their pid files. */
    public List<ChildProcess> runningProcesses() {
        return pidFileNames().stream()
                .map(name -> ChildProcess.attach(name, pidFile(name), logFile(name)))
                .flatMap(Optional::stream)
                .toList();
    }

    /**
     * Prepares the directory for a new stack: refuses if a process of an earlier one still runs, then deletes
     * its pid files and logs (logs are appended to, so within one stack a restarted node keeps its crash log).
     */
    public void resetForNewStack() {
        runningProcesses().stream().findFirst().ifPresent(running -> {
            throw new StackException("stack already running: " + pidFile(running.name()) + " (pid " + running.pid()
                    + ") alive; run 'scripts/stack.sh down' (or close the other LocalStack) first");
        });
        // Everything but the binary cache belongs to the previous stack. Leftover application state is dangerous, not
        // just untidy: a Kafka Streams state dir whose checkpoints point past the new cluster's empty changelogs is
        // trusted as restored, so a guard store full of the old run's keys would drop the new run's payments.
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.filter(path -> !path.equals(binDir())).toList()) {
                deleteTree(child);
            }
        } catch (NoSuchFileException e) {
            // a new stack directory: nothing to clear
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset " + dir, e);
        }
        recreate(pidsDir());
        recreate(dir.resolve("logs"));
    }

    private static Path recreate(Path directory) {
        try {
            deleteTree(directory);
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reset " + directory, e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
