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
 * merge patch (maps merge, lists are replaced), {@code $patch: delete} of a whole resource, and JSON 6902
 * {@code replace}; kustomize's strategic merge differs only for lists of the built-in kinds, so a patch of a
 * built-in kind that holds a list is refused here rather than approximated.
 */
final class KustomizeBuild {
    /** All that a {@code $patch: delete} document holds: the directive and the resource's identity. */
    private static final Set<String> IDENTITY = Set.of(ManifestParser.DIRECTIVE, "apiVersion", "kind", "metadata");

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
                    if (manifest.deletes()) {
                        problems.add(path + ": " + manifest.id() + " is a resource, not a patch: no $patch here");
                    } else if (resources.putIfAbsent(manifest.id(), manifest) != null) {
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
            applyStrategicMerge(path, ManifestParser.parse(path));
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
        } else if (patch.patch() != null) {
            // Without a target, an inline patch names the resource it patches, as a patch file does.
            applyStrategicMerge(kustomizationFile, ManifestParser.parse(kustomizationFile, patch.patch()));
        } else {
            problems.add(kustomizationFile + ": a patch needs a path, or an inline patch");
        }
    }

    private void applyStrategicMerge(Path source, List<Manifest> partials) {
        if (partials.size() > 1 && partials.stream().anyMatch(Manifest::deletes)) {
            // kustomize 5.5 crashes on a deletion followed by another document (its issue 5552).
            problems.add(source + ": a patch that deletes a resource must hold nothing else");
            return;
        }
        for (Manifest partial : partials) {
            Manifest target = resources.get(partial.id());
            if (target == null) {
                problems.add(source + ": patches " + partial.id() + ", which no resource defines");
                continue;
            }
            if (partial.deletes()) {
                // Anything besides the name would be deleted with the resource, not applied: refuse it.
                if (!IDENTITY.containsAll(fieldNames(partial.tree()))
                        || !Set.of("name").containsAll(fieldNames(partial.tree().path("metadata")))) {
                    problems.add(source + ": the patch deleting " + partial.id() + " holds more than its name");
                }
                resources.remove(partial.id());
                continue;
            }
            if (!partial.tree().path("apiVersion").asText().contains(".") && containsList(partial.tree())) {
                problems.add(source + ": a list in a patch of a built-in kind (strategic merge) is not checked here");
                continue;
            }
            ObjectNode merged = target.tree().deepCopy();
            mergePatch(merged, partial.tree());
            replace(target, merged);
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

    private static Set<String> fieldNames(JsonNode node) {
        var names = new LinkedHashSet<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
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
