package io.quondam.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the repository is: Maven passes its root as {@code quondam.root}; from an IDE the working directory is tried.
 */
final class Repository {
    private Repository() {
    }

    static Path root() {
        String configured = System.getProperty("quondam.root");
        Path start = (configured != null ? Path.of(configured) : Path.of("")).toAbsolutePath().normalize();
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("k8s")) && Files.isDirectory(dir.resolve("strimzi"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root with k8s/ and strimzi/ above " + start);
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every regular file below {@code dir} whose name ends with one of {@code suffixes}, sorted. */
    static List<Path> files(Path dir, String... suffixes) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(file -> Stream.of(suffixes)
                            .anyMatch(suffix -> file.getFileName().toString().endsWith(suffix)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
