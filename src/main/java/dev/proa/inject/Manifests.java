package dev.proa.inject;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Injection} applied to manifests as Jackson trees: where each kind keeps its Pod template, and the verdict
 * written into it. Only the main container is replaced (by fabric8's serialization of its model, which keeps fields it
 * does not know in additionalProperties), and the volume and copier added; every other node stays as it was read.
 * Pure: the trees are copied, never changed in place.
 */
public final class Manifests {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** What happened to one Pod template: {@code where} it is (kind, name, path), and the verdict. */
    public record Outcome(String where, Injection.Verdict verdict, Optional<Template> template) {}

    /** A Pod template's service account and namespace (null: the default one, the namespace applied to). */
    public record Template(String namespace, String serviceAccount) {}

    /** A document injected, and what happened to each Pod template in it (none: passed through unchanged). */
    public record Result(JsonNode document, List<Outcome> outcomes) {
        public boolean refused() {
            return outcomes.stream().anyMatch(o -> o.verdict() instanceof Injection.Refuse);
        }
    }

    private Manifests() {}

    public static Result inject(JsonNode document, Injection.Settings settings) {
        JsonNode copy = document.deepCopy();
        List<Outcome> outcomes = new ArrayList<>();
        visit(copy, settings, outcomes, "");
        return new Result(copy, List.copyOf(outcomes));
    }

    private static void visit(JsonNode node, Injection.Settings settings, List<Outcome> outcomes, String prefix) {
        if (!(node instanceof ObjectNode object)) return;
        String kind = object.path("kind").asText("");
        String where = prefix + (kind.isEmpty() ? "a document without kind" : kind) + name(object);
        if (kind.endsWith("List") && object.path("items").isArray()) {
            int i = 0;
            for (JsonNode item : object.path("items")) visit(item, settings, outcomes, where + " items[" + i++ + "]: ");
            return;
        }
        podSpecPath(object).ifPresent(path -> {
            ObjectNode spec = (ObjectNode) object.at(path);
            Injection.Verdict verdict = decide(object.at(path.substring(0, path.lastIndexOf('/')) + "/metadata"), spec,
                    path, settings);
            if (verdict instanceof Injection.Inject inject) write(spec, inject);
            String namespace = object.path("metadata").path("namespace").asText(null);
            String account = spec.path("serviceAccountName").asText(null);
            outcomes.add(new Outcome(where, verdict, Optional.of(new Template(namespace, account))));
        });
    }

    /**
     * Where a kind keeps its Pod spec: a Pod in spec, a CronJob in its Job template's Pod template, any other kind
     * (Job, Deployment, StatefulSet, DaemonSet, ReplicaSet, a custom resource...) with a {@code spec.template.spec}
     * holding containers in that one. Empty: no Pod template (passed through unchanged).
     */
    static Optional<String> podSpecPath(ObjectNode object) {
        String kind = object.path("kind").asText("");
        for (String path : kind.equals("Pod") ? List.of("/spec")
                : kind.equals("CronJob") ? List.of("/spec/jobTemplate/spec/template/spec") : List.of("/spec/template/spec")) {
            if (object.at(path).path("containers").isArray()) return Optional.of(path);
        }
        return Optional.empty();
    }

    /** The decision on a Pod spec tree: refused, naming where, when a field holds a value of the wrong type. */
    private static Injection.Verdict decide(JsonNode metadata, ObjectNode spec, String path, Injection.Settings settings) {
        PodSpec model;
        try {
            model = SERIALIZATION.convertValue(spec, PodSpec.class);
        } catch (IllegalArgumentException e) {
            return new Injection.Refuse(malformed(path, e));
        }
        return Injection.decide(strings(metadata.path("labels")), strings(metadata.path("annotations")), model, settings);
    }

    /** A map of labels or annotations (a value that is not a string, which the API server would refuse, as text). */
    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> strings = new LinkedHashMap<>();
        map.properties().forEach(entry -> strings.put(entry.getKey(), entry.getValue().asText()));
        return strings;
    }

    /**
     * Where the Pod spec is malformed, in the manifest's own terms ({@code spec.template.spec.containers[0].env}):
     * Jackson's message names Java classes, which an operator has no use for.
     */
    private static String malformed(String path, IllegalArgumentException e) {
        StringBuilder where = new StringBuilder(path.substring(1).replace('/', '.'));
        if (e.getCause() instanceof JsonMappingException mapping) {
            for (JsonMappingException.Reference reference : mapping.getPath()) {
                if (reference.getFieldName() != null) where.append('.').append(reference.getFieldName());
                else if (reference.getIndex() >= 0) where.append('[').append(reference.getIndex()).append(']');
            }
        }
        return where + " holds a value of the wrong type (a list where one value goes, or the other way round), which"
                + " the API server would reject too: fix the manifest";
    }

    /**
     * The verdict written into the Pod spec's tree. In the main container, only the fields the injection changed
     * (command, env, volumeMounts) are replaced, each where it was: the others keep their order and spelling.
     */
    static void write(ObjectNode spec, Injection.Inject inject) {
        ObjectNode main = (ObjectNode) spec.get("containers").get(inject.index());
        JsonNode before = tree(SERIALIZATION.convertValue(main, io.fabric8.kubernetes.api.model.Container.class));
        tree(inject.main()).properties().forEach(field -> {
            if (!field.getValue().equals(before.get(field.getKey()))) main.set(field.getKey(), field.getValue());
        });
        arrayOf(spec, "volumes").add(tree(inject.volume()));
        inject.copier().ifPresent(copier -> arrayOf(spec, "initContainers").insert(0, tree(copier)));
    }

    private static ArrayNode arrayOf(ObjectNode spec, String field) {
        return spec.get(field) instanceof ArrayNode array ? array : spec.putArray(field);
    }

    static JsonNode tree(Object model) {
        return SERIALIZATION.convertValue(model, JsonNode.class);
    }

    private static String name(ObjectNode object) {
        JsonNode metadata = object.path("metadata");
        String name = metadata.path("name").asText(metadata.path("generateName").asText(""));
        String namespace = metadata.path("namespace").asText("");
        return name.isEmpty() ? "" : " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
