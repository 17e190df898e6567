package io.quondam.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;

/** One YAML document of a manifest file: where it is, its raw tree, and the typed model it parsed into. */
record Manifest(Path file, int document, JsonNode tree, HasMetadata model) {

    String kind() {
        return model.getKind();
    }

    String name() {
        return model.getMetadata().getName();
    }

    /** {@code Kind/name}, how kustomize and kubectl name a resource. */
    String id() {
        return kind() + "/" + name();
    }

    /** Whether this document is a patch that deletes the resource it names ({@code $patch: delete}). */
    boolean deletes() {
        return tree.path(ManifestParser.DIRECTIVE).asText().equals("delete");
    }

    <T> T as(Class<T> type) {
        return type.cast(model);
    }

    @Override
    public String toString() {
        return id() + " (" + Repository.root().relativize(file) + " #" + document + ")";
    }
}
