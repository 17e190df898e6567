package io.quondam.deploy;

import java.util.Arrays;
import java.util.List;

/** Reads the instructions of a service's Dockerfile. */
final class Dockerfiles {
    private Dockerfiles() {
    }

    static List<String> instructions(String module) {
        return Arrays.stream(Repository.read(Repository.path(module + "/Dockerfile")).split("\n"))
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
    }

    static String argument(String module, String instruction) {
        return instructions(module).stream()
                .filter(line -> line.startsWith(instruction + " "))
                .reduce((first, last) -> last)
                .map(line -> line.substring(instruction.length() + 1).strip())
                .orElseThrow(() -> new AssertionError(module + "/Dockerfile has no " + instruction));
    }

    /** The numeric user id of the last USER instruction. */
    static long user(String module) {
        return Long.parseLong(argument(module, "USER").split(":")[0]);
    }
}
