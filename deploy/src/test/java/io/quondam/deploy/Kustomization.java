package io.quondam.deploy;

import java.util.List;
import java.util.Map;

/**
 * The part of a kustomization.yaml that our manifests use. Parsed strictly: a field kustomize knows but this record
 * does not fails the test, so a new feature in a kustomization comes with a check of what it references.
 */
record Kustomization(String apiVersion, String kind, String namespace, List<String> resources, List<Patch> patches,
                     List<Generator> configMapGenerator) {

    Kustomization {
        resources = resources == null ? List.of() : resources;
        patches = patches == null ? List.of() : patches;
        configMapGenerator = configMapGenerator == null ? List.of() : configMapGenerator;
    }

    /**
     * A strategic-merge patch file ({@code path}), an inline JSON 6902 patch with a {@code target}, or an inline
     * strategic-merge patch without one.
     */
    record Patch(String path, String patch, Target target) {
    }

    record Target(String group, String version, String kind, String name) {
    }

    record Generator(String name, List<String> files, List<String> literals, GeneratorOptions options) {
        Generator {
            files = files == null ? List.of() : files;
            literals = literals == null ? List.of() : literals;
        }
    }

    record GeneratorOptions(Boolean disableNameSuffixHash, Map<String, String> labels) {
    }
}
