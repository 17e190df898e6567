package io.quondam.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** A plain pid file that only ever resolves to the process it was written for, never to a reused pid. */
record PidFile(Path path) {

    // ProcessHandle derives start times from boot time in whole seconds, so allow some skew.
    private static final Duration START_TIME_SKEW = Duration.ofSeconds(2);

    public void write(long pid) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, pid + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path, e);
        }
    }

    /** The live process named in the file, if it started before the file was written. */
    public Optional<ProcessHandle> liveProcess() {
        try {
            if (!Files.isRegularFile(path)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(path).trim());
            Instant written = Files.getLastModifiedTime(path).toInstant();
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(process -> process.info().startInstant()
                            .map(started -> !started.isAfter(written.plus(START_TIME_SKEW)))
                            .orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
