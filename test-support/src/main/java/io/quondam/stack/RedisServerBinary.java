package io.quondam.stack;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds redis-server: the one on PATH, else the binary shipped inside the embedded-redis jar. */
public final class RedisServerBinary {

    private static final Logger LOG = LoggerFactory.getLogger(RedisServerBinary.class);
    private static final String EXECUTABLE = "redis-server";

    private RedisServerBinary() {
    }

    /** redis-server from PATH, or the shipped binary extracted into {@code binDir} (reused if already there). */
    public static Path locate(Path binDir) {
        return onPath().orElseGet(() -> extractInto(binDir));
    }

    static Optional<Path> onPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(":"))
                .filter(dir -> !dir.isBlank())
                .map(dir -> Path.of(dir, EXECUTABLE))
                .filter(Files::isExecutable)
                .findFirst();
    }

    static Path extractInto(Path binDir) {
        String resource = shippedResource();
        URL url = RedisServerBinary.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new StackException("no redis-server on PATH and no " + resource + " on the classpath");
        }
        Path target = binDir.resolve(EXECUTABLE);
        try {
            if (Files.isExecutable(target) && Files.size(target) == url.openConnection().getContentLengthLong()) {
                return target;
            }
            Files.createDirectories(binDir);
            // Copy then rename, so a concurrent start never executes a half-written file.
            Path partial = Files.createTempFile(binDir, EXECUTABLE, ".partial");
            try (InputStream in = url.openStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            if (!partial.toFile().setExecutable(true)) {
                throw new StackException("cannot make " + partial + " executable");
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("Extracted {} from embedded-redis to {}", resource, target);
            return target;
        } catch (IOException e) {
            throw new StackException("cannot extract " + resource + " to " + target, e);
        }
    }

    private static String shippedResource() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("linux")) {
            return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        throw new StackException("no shipped redis-server for " + os + "/" + arch + "; put redis-server on PATH");
    }
}
