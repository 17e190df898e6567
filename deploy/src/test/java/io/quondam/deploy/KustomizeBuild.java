package io.quondam.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code kubectl apply -k dir} would send, as far as our manifests need: resources of the directory and its
 * bases, the overlays' patches applied, and every file the kustomizations name. Patch semantics are those of JSON
 * merge patch (maps merge, lists are replaced) and JSON 6902 {@code replace}; kustomize's strategic merge differs
 * only for lists of the built-in kinds, so a patch of a built-in kind that holds a list is refused here rather than
 * approximated.
 */
final class KustomizeBuild {
    final Path dir;
    final Map<String, Manifest> resources = new LinkedHashMap<>();
    final Set<Path> referencedFiles = new LinkedHashSet<>();
    final List<String> problems = new ArrayList<>();

    private KustomizeBuild(Path dir) {
        this.dir = dir;
    }

    static KustomizeBuild of(Path dir) {
        var build = new KustomizeBuild(dir);
        build.load(dir);
        return build;
    }

    static Kustomization read(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        try {
            return ManifestParser.YAML.readValue(file.toFile(), Kustomization.class);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    List<Manifest> all() {
        return List.copyOf(resources.values());
    }

    List<Manifest> ofKind(String kind) {
        return resources.values().stream().filter(manifest -> manifest.kind().equals(kind)).toList();
    }

    Manifest get(String kind, String name) {
        Manifest manifest = resources.get(kind + "/" + name);
        if (manifest == null) {
            throw new AssertionError(dir + " has no " + kind + "/" + name);
        }
        return manifest;
    }

    private void load(Path kustomizationDir) {
        Path file = kustomizationDir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            problems.add(kustomizationDir + ": no kustomization.yaml");
            return;
        }
        referencedFiles.add(file.normalize());
        var kustomization = read(kustomizationDir);
        if (!"Kustomization".equals(kustomization.kind())
                || !"kustomize.config.k8s.io/v1beta1".equals(kustomization.apiVersion())) {
            problems.add(file + ": not a kustomize.config.k8s.io/v1beta1 Kustomization");
        }
        for (String resource : kustomization.resources()) {
            Path path = kustomizationDir.resolve(resource).normalize();
            if (Files.isDirectory(path)) {
                load(path);
            } else if (Files.isRegularFile(path)) {
                referencedFiles.add(path);
                for (Manifest manifest : ManifestParser.parse(path)) {
                    if (resources.putIfAbsent(manifest.id(), manifest) != null) {
                        problems.add(file + ": " + manifest.id() + " is defined twice");
                    }
                }
            } else {
                problems.add(file + ": resource " + resource + " does not exist");
            }
        }
        for (var generator : kustomization.configMapGenerator()) {
            for (String source : generator.files()) {
                Path path = kustomizationDir.resolve(
                        source.contains("=") ? source.substring(source.indexOf('=') + 1) : source)
                        .normalize();
                if (Files.isRegularFile(path)) {
                    referencedFiles.add(path);
                } else {
                    problems.add(file + ": configMapGenerator " + generator.name() + " file " + source
                            + " does not exist");
                }
            }
        }
        for (var patch : kustomization.patches()) {
            applyPatch(file, kustomizationDir, patch);
        }
    }

    private void applyPatch(Path kustomizationFile, Path kustomizationDir, Kustomization.Patch patch) {
        if (patch.path() != null) {
            Path path = kustomizationDir.resolve(patch.path()).normalize();
            if (!Files.isRegularFile(path)) {
                problems.add(kustomizationFile + ": patch " + patch.path() + " does not exist");
                return;
            }
            referencedFiles.add(path);
            for (Manifest partial : ManifestParser.parse(path)) {
                Manifest target = resources.get(partial.id());
                if (target == null) {
                    problems.add(path + ": patches " + partial.id() + ", which no resource defines");
                    continue;
                }
                if (!partial.tree().path("apiVersion").asText().contains(".") && containsList(partial.tree())) {
                    problems.add(path + ": a list in a patch of a built-in kind (strategic merge) is not checked here");
                    continue;
                }
                ObjectNode merged = target.tree().deepCopy();
                mergePatch(merged, partial.tree());
                replace(target, merged);
            }
        } else if (patch.patch() != null && patch.target() != null) {
            List<Manifest> targets = resources.values().stream()
                    .filter(manifest -> manifest.kind().equals(patch.target().kind()))
                    .filter(manifest -> patch.target().name() == null || manifest.name().equals(patch.target().name()))
                    .filter(manifest -> patch.target().group() == null
                            || manifest.tree().path("apiVersion").asText().startsWith(patch.target().group() + "/"))
                    .toList();
            if (targets.isEmpty()) {
                problems.add(kustomizationFile + ": inline patch targets " + patch.target()
                        + ", which matches nothing");
            }
            JsonNode operations = readTree(patch.patch());
            for (Manifest target : targets) {
                ObjectNode patched = target.tree().deepCopy();
                for (JsonNode operation : operations) {
                    applyOperation(kustomizationFile, target, patched, operation);
                }
                replace(target, patched);
            }
        } else {
            problems.add(kustomizationFile + ": a patch needs a path, or an inline patch and a target");
        }
    }

    private void applyOperation(Path kustomizationFile, Manifest target, ObjectNode tree, JsonNode operation) {
        String op = operation.path("op").asText();
        String pointer = operation.path("path").asText();
        if (!op.equals("replace")) {
            problems.add(kustomizationFile + ": only JSON 6902 replace is checked here, not " + op);
            return;
        }
        int cut = pointer.lastIndexOf('/');
        JsonNode parent = tree.at(pointer.substring(0, cut));
        String field = pointer.substring(cut + 1).replace("~1", "/").replace("~0", "~");
        if (!(parent instanceof ObjectNode object) || !object.has(field)) {
            problems.add(kustomizationFile + ": replace " + pointer + " in " + target.id()
                    + ", which has no such field");
            return;
        }
        object.set(field, operation.get("value"));
    }

    private void replace(Manifest target, ObjectNode tree) {
        for (Manifest reparsed : ManifestParser.parse(target.file(), tree.toString())) {
            resources.put(target.id(),
                    new Manifest(target.file(), target.document(), reparsed.tree(), reparsed.model()));
        }
    }

    private static void mergePatch(ObjectNode target, JsonNode patch) {
        patch.fields().forEachRemaining(entry -> {
            JsonNode existing = target.get(entry.getKey());
            if (entry.getValue().isObject() && existing instanceof ObjectNode object) {
                mergePatch(object, entry.getValue());
            } else if (entry.getValue().isNull()) {
                target.remove(entry.getKey());
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        });
    }

    private static boolean containsList(JsonNode node) {
        if (node instanceof ArrayNode) {
            return true;
        }
        for (JsonNode child : node) {
            if (containsList(child)) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode readTree(String yaml) {
        try {
            return ManifestParser.YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
