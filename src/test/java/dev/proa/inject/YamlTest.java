package dev.proa.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * What inject writes is read back as it was meant by YAML 1.1 readers (kubectl's, and SnakeYAML here) and YAML 1.2
 * ones (SnakeYAML Engine): a string stays a string, whatever it looks like.
 */
class YamlTest {
    static final List<String> TRICKY = List.of("8080", "0755", "0o17", "0x1F", "0b101", "1e3", "1E3", "-1e-3", "1_000",
            ".5", "+1", "-1", "1.24.0", "12:30", "190:20:30", "2026-12-06", "2026-12-06T20:00:00Z", ".inf", "-.inf",
            ".nan", ".NaN", "yes", "No", "on", "OFF", "y", "N", "true", "False", "null", "Null", "~", "", " ", "-", "?",
            "a: b", "#x", "x #y", "*alias", "&anchor", "!tag", "%x", "@x", "`x", "|", ">", "[a]", "{a}", "'q'", "\"q\"",
            "trailing ", " leading", "tab\there", "line\nbreak\n", "é", "proa", "=");

    @Test
    void everyStringIsReadBackAsThatStringByYaml11AndYaml12Readers() throws Exception {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < TRICKY.size(); i++) data.put("k" + i, TRICKY.get(i));
        ObjectNode keys = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < TRICKY.size(); i++) keys.put(TRICKY.get(i), i);
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("kind", "ConfigMap");
        document.set("data", data);
        document.set("keys", keys);
        String yaml = Yaml.yaml(List.of(document));

        JsonNode jackson = Yaml.documents(yaml, "test").getFirst();
        assertEquals(document, jackson, yaml);

        Map<?, ?> yaml11 = new org.yaml.snakeyaml.Yaml().load(yaml);
        @SuppressWarnings("unchecked")
        Map<Object, Object> yaml12 = (Map<Object, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
        for (Map<?, ?> read : List.of(yaml11, yaml12)) {
            Map<String, Object> values = new LinkedHashMap<>();
            ((Map<?, ?>) read.get("data")).forEach((k, v) -> values.put(String.valueOf(k), v));
            for (int i = 0; i < TRICKY.size(); i++) {
                assertEquals(TRICKY.get(i), values.get("k" + i), "value " + i + " in:\n" + yaml);
            }
            List<Object> names = List.copyOf(((Map<?, ?>) read.get("keys")).keySet());
            assertEquals(TRICKY, names, "the keys, in:\n" + yaml);
        }
    }
}
