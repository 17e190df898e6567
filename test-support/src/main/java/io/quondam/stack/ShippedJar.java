package io.quondam.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A deployable's shaded jar ({@code <service>/target/<service>-*-all.jar}), started the way its Dockerfile's
 * ENTRYPOINT starts it: {@code java <the ENTRYPOINT's options> -jar <jar>}. Tests, the demo and the chaos suite run
 * the services this way, so a class missing from the shipped jar fails them as it would fail a pod.
 */
public record ShippedJar(String service, Path jar, List<String> entrypointOptions) {
    private static final Pattern JSON_STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    public ShippedJar {
        entrypointOptions = List.copyOf(entrypointOptions);
    }

    /** The jar of {@code service} (a module directory with a Dockerfile) in the repository around this process. */
    public static ShippedJar of(String service) {
        Path moduleDir = moduleDir(service);
        return new ShippedJar(service, findJar(moduleDir, service), entrypointOptions(moduleDir.resolve("Dockerfile")));
    }

    /** The same service, but from the jar at {@code jar} (say one a user built elsewhere). */
    public static ShippedJar at(String service, Path jar) {
        return new ShippedJar(service, jar, entrypointOptions(moduleDir(service).resolve("Dockerfile")));
    }

    /** {@code java <ENTRYPOINT options> -jar <jar>}; options added with {@link ChildJvm#withJvmOptions} come after. */
    public ChildJvm childJvm() {
        return ChildJvm.ofJar(jar).withJvmOptions(entrypointOptions.toArray(String[]::new));
    }

    /** The directory {@code service/} holding a Dockerfile, in the working directory or one of its parents. */
    static Path moduleDir(String service) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(service).resolve("Dockerfile"))) {
                return dir.resolve(service);
            }
        }
        throw new StackException("no " + service + "/Dockerfile in " + Path.of("").toAbsolutePath()
                + " or its parents: run from the Quondam repository");
    }

    private static Path findJar(Path moduleDir, String service) {
        var jars = new ArrayList<Path>();
        try (DirectoryStream<Path> found = Files.newDirectoryStream(moduleDir.resolve("target"),
                service + "-*-all.jar")) {
            found.forEach(jars::add);
        } catch (java.nio.file.NoSuchFileException e) {
            // no target directory: not built
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (jars.size() != 1) {
            throw new StackException((jars.isEmpty() ? "no " : "more than one ") + service + "-*-all.jar in "
                    + moduleDir.resolve("target") + "; build it with: mvn -B install -DskipTests");
        }
        return jars.get(0);
    }

    /** The options between {@code "java"} and {@code "-jar"} of the exec-form ENTRYPOINT. */
    static List<String> entrypointOptions(Path dockerfile) {
        String entrypoint;
        try {
            entrypoint = Files.readAllLines(dockerfile).stream().filter(line -> line.startsWith("ENTRYPOINT "))
                    .reduce((first, last) -> last)
                    .orElseThrow(() -> new StackException(dockerfile + " has no ENTRYPOINT"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var words = new ArrayList<String>();
        var matcher = JSON_STRING.matcher(entrypoint);
        while (matcher.find()) {
            words.add(matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        int jarFlag = words.indexOf("-jar");
        if (words.isEmpty() || !words.get(0).equals("java") || jarFlag < 0 || jarFlag != words.size() - 2) {
            throw new StackException(dockerfile + ": expected ENTRYPOINT [\"java\", options..., \"-jar\", jar], found "
                    + entrypoint);
        }
        return words.subList(1, jarFlag);
    }
}
