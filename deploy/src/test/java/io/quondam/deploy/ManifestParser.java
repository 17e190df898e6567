package io.quondam.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses manifest files into the fabric8 Kubernetes model and the Strimzi api model. Only the API versions and kinds
 * we deploy are known: anything else (a typo in {@code apiVersion}, {@code kafka.strimzi.io/v1beta2}, which Strimzi
 * 1.0 no longer serves) is an error, and so is a field the model does not know (see {@link UnknownFields}). Of
 * kustomize's patch directives, only {@code $patch: delete} at the top of a document is understood
 * ({@link Manifest#deletes()}).
 */
final class ManifestParser {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("batch/v1/Job", Job.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("kafka.strimzi.io/v1/Kafka", Kafka.class),
            Map.entry("kafka.strimzi.io/v1/KafkaNodePool", KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1/KafkaTopic", KafkaTopic.class));

    /** Kustomize's strategic-merge directive, which no model knows. */
    static final String DIRECTIVE = "$patch";

    private ManifestParser() {
    }

    /** Every document of {@code file}, typed; throws {@link InvalidManifestException} naming each problem. */
    static List<Manifest> parse(Path file) {
        return parse(file, Repository.read(file));
    }

    static List<Manifest> parse(Path file, String yaml) {
        var manifests = new ArrayList<Manifest>();
        var problems = new ArrayList<String>();
        int document = 0;
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (documents.hasNext()) {
                JsonNode tree = documents.next();
                document++;
                if (tree == null || tree.isNull() || tree.isMissingNode()) {
                    continue;
                }
                String type = tree.path("apiVersion").asText() + "/" + tree.path("kind").asText();
                Class<? extends HasMetadata> model = MODELS.get(type);
                if (model == null) {
                    problems.add("#" + document + ": unknown apiVersion/kind " + type);
                    continue;
                }
                JsonNode typed = tree;
                if (tree.has(DIRECTIVE)) {
                    if (!tree.get(DIRECTIVE).asText().equals("delete")) {
                        problems.add("#" + document + ": " + DIRECTIVE + ": " + tree.get(DIRECTIVE).asText()
                                + " is not checked here, only delete");
                        continue;
                    }
                    typed = ((ObjectNode) tree).deepCopy().without(DIRECTIVE);
                }
                HasMetadata parsed = YAML.treeToValue(typed, model);
                UnknownFields.in(parsed).forEach(problem -> problems.add(type + " " + problem));
                if (parsed.getMetadata() == null || parsed.getMetadata().getName() == null) {
                    problems.add("#" + document + ": " + type + " without metadata.name");
                    continue;
                }
                manifests.add(new Manifest(file, document, tree, parsed));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new InvalidManifestException(file, problems);
        }
        return manifests;
    }

    /** A manifest that does not parse into its model, with every problem found. */
    static final class InvalidManifestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidManifestException(Path file, List<String> problems) {
            super(file + ":\n  " + String.join("\n  ", problems));
        }
    }
}
