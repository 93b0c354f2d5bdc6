package dev.proa.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The rewrite applied to manifests: where each kind keeps its Pod template, what passes through, what is kept. */
class ManifestsTest {
    static final String CONTAINERS = """
            containers:
              - name: main
                image: app:1
                command: [python3, /app/job.py]
                args: [--day, monday]
                futureField: {kept: true}
              - name: sidecar
                image: proxy:1
                command: [proxy]
                ports: [{containerPort: 8080}]
            """;

    static String indent(String text, int spaces) {
        return text.indent(spaces);
    }

    static String manifest(String kind) {
        String spec = indent(CONTAINERS + "restartPolicy: Never\nunknownPodField: 7\n", 0);
        return switch (kind) {
            case "Pod" -> "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: jobs}\nspec:\n" + indent(spec, 2);
            case "CronJob" -> "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '*/5 * * * *'\n"
                    + "  jobTemplate:\n    spec:\n      template:\n        spec:\n" + indent(spec, 10);
            default -> "apiVersion: " + (kind.equals("Job") ? "batch/v1" : kind.equals("Rollout") ? "argoproj.io/v1alpha1"
                    : "apps/v1") + "\nkind: " + kind + "\nmetadata: {name: x}\nspec:\n  template:\n    metadata: {labels: {a: b}}\n"
                    + "    spec:\n" + indent(spec, 6);
        };
    }

    static JsonNode one(String yaml) throws Yaml.Malformed {
        List<JsonNode> documents = Yaml.documents(yaml, "test");
        assertEquals(1, documents.size());
        return documents.getFirst();
    }

    static Injection.Settings settings(Injection.Mode mode) {
        return InjectionTest.settings(mode, null, "--startup-timeout=2m");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Pod, /spec", "Job, /spec/template/spec", "CronJob, /spec/jobTemplate/spec/template/spec",
            "Deployment, /spec/template/spec", "StatefulSet, /spec/template/spec", "Rollout, /spec/template/spec"})
    void eachKindsPodTemplateIsInjected(String kind, String path) throws Exception {
        JsonNode document = one(manifest(kind));
        Manifests.Result result = Manifests.inject(document, settings(Injection.Mode.IMAGE));
        assertEquals(1, result.outcomes().size());
        assertInstanceOf(Injection.Inject.class, result.outcomes().getFirst().verdict());
        JsonNode spec = result.document().at(path);
        assertEquals("[\"/opt/proa/bin/proa\",\"--startup-timeout=2m\",\"--\",\"python3\",\"/app/job.py\"]",
                spec.at("/containers/0/command").toString());
        assertEquals("[\"--day\",\"monday\"]", spec.at("/containers/0/args").toString());
        assertEquals(document.at(path + "/containers/1"), spec.at("/containers/1"), "the sidecar, node for node");
        assertEquals("{\"kept\":true}", spec.at("/containers/0/futureField").toString(), "an unknown container field");
        assertEquals(7, spec.path("unknownPodField").asInt(), "an unknown Pod spec field");
        assertEquals("registry.example/proa:0.1.0", spec.at("/volumes/0/image/reference").asText());
        JsonNode without = result.document().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) without.at(path)).remove("volumes");
        ((com.fasterxml.jackson.databind.node.ArrayNode) without.at(path + "/containers")).set(0, document.at(path + "/containers/0"));
        assertEquals(document, without, "nothing else changed");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Pod", "Job", "CronJob", "Deployment", "Rollout"})
    void injectingTwiceIsInjectingOnce(String kind) throws Exception {
        for (Injection.Mode mode : Injection.Mode.values()) {
            JsonNode once = Manifests.inject(one(manifest(kind)), settings(mode)).document();
            Manifests.Result twice = Manifests.inject(once, settings(mode));
            assertEquals(once, twice.document(), kind + " " + mode);
            assertInstanceOf(Injection.AlreadyRunsProa.class, twice.outcomes().getFirst().verdict());
            JsonNode reread = one(Yaml.yaml(List.of(once)));
            assertEquals(once, reread, "written as YAML and read again: " + Yaml.yaml(List.of(once)));
        }
    }

    @Test
    void aListsItemsAreEachInjectedAndOtherKindsPassThrough() throws Exception {
        JsonNode configMap = one("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cm}
                data: {port: "8080", enabled: "true", "on": "yes", empty: "", exp: "1e3", nul: "null", tilde: "~"}
                """);
        var list = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("apiVersion", "v1")
                .put("kind", "List");
        list.putArray("items").add(configMap).add(one(manifest("Job")));
        String yaml = Yaml.yaml(List.of(list));
        JsonNode document = one(yaml);
        Manifests.Result result = Manifests.inject(document, settings(Injection.Mode.COPY));
        assertEquals(1, result.outcomes().size());
        assertTrue(result.outcomes().getFirst().where().startsWith("List items[1]: Job x"), result.outcomes().getFirst().where());
        assertEquals(document.at("/items/0"), result.document().at("/items/0"), "the ConfigMap passes through");
        assertEquals("proa-copy", result.document().at("/items/1/spec/template/spec/initContainers/0/name").asText());
        assertEquals(result.document(), one(Yaml.yaml(List.of(result.document()))), "strings that look like numbers or booleans stay strings");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"kind: Service\napiVersion: v1\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}",
            "kind: Deployment\napiVersion: apps/v1\nmetadata: {name: d}\nspec: {replicas: 0}",
            "kind: Secret\napiVersion: v1\nmetadata: {name: s}\nstringData: {a: b}"})
    void kindsWithoutAPodTemplatePassThroughUnchanged(String yaml) throws Exception {
        JsonNode document = one(yaml);
        Manifests.Result result = Manifests.inject(document, settings(Injection.Mode.IMAGE));
        assertEquals(List.of(), result.outcomes());
        assertEquals(document, result.document());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Injection.Mode.class)
    void aRefusalLeavesTheDocumentAsItWas(Injection.Mode mode) throws Exception {
        JsonNode document = one(manifest("Job").replace("command: [python3, /app/job.py]", "workingDir: /app"));
        Manifests.Result result = Manifests.inject(document, settings(mode));
        assertTrue(result.refused());
        assertEquals(document, result.document());
        assertNotEquals(document, Manifests.inject(one(manifest("Job")), settings(mode)).document());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            'command: [python3, /app/job.py]' | 'command: {python3: 1}'      | spec.template.spec.containers[0].command
            'image: app:1'                    | 'image: [app, 1]'            | spec.template.spec.containers[0].image
            'restartPolicy: Never'            | 'restartPolicy: {a: b}'      | spec.template.spec.restartPolicy
            """)
    void aValueOfTheWrongTypeIsRefusedNamingWhere(String correct, String wrong, String where) throws Exception {
        JsonNode document = one(manifest("Job").replace(correct, wrong));
        Manifests.Result result = Manifests.inject(document, settings(Injection.Mode.IMAGE));
        Injection.Refuse refuse = assertInstanceOf(Injection.Refuse.class, result.outcomes().getFirst().verdict());
        assertTrue(refuse.why().startsWith(where + " holds a value of the wrong type"), refuse.why());
        assertEquals(document, result.document());
    }
}
