package dev.proa.inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Manifests in and out, with Jackson's YAML module (which fabric8 brings, on SnakeYAML): a multi-document stream
 * (or JSON, which is YAML) read as trees, so that no field is lost; written back with the quoting that keeps each
 * value's type ("8080" and "true" stay strings). Comments are not kept: no YAML library that reads into trees does.
 */
final class Yaml {
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder().stringQuotingChecker(new Quoting()).build())
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A manifest that is not YAML: where, and what the parser said. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    private Yaml() {}

    /**
     * Jackson's quoting, and also every string a YAML 1.1 reader (kubectl's: 0755, 1e3, 12:30, y, n) or a YAML 1.2
     * one (0o17, 0x1F, .inf) would take for something else: a string written here is read back as that string by
     * every Kubernetes tool. Quoting a few strings that would have been safe bare costs nothing.
     */
    static final class Quoting extends StringQuotingChecker.Default {
        private static final java.util.regex.Pattern NOT_A_STRING = java.util.regex.Pattern.compile(
                "[-+]?(\\.?[0-9].*|\\.(inf|Inf|INF|nan|NaN|NAN))|[yYnN~]|");

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || NOT_A_STRING.matcher(value).matches();
        }

        @Override
        public boolean needToQuoteName(String name) {
            return super.needToQuoteName(name) || NOT_A_STRING.matcher(name).matches();
        }
    }

    /** Every document of {@code text}, empty ones left out. */
    static List<JsonNode> documents(String text, String source) throws Malformed {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> values = YAML.readerFor(JsonNode.class).readValues(text)) {
            while (values.hasNextValue()) {
                JsonNode document = values.nextValue();
                if (document == null || document.isNull() || document.isMissingNode()) continue;
                if (!document.isObject()) {
                    throw new Malformed(source + ": document " + (documents.size() + 1) + " is not a Kubernetes object"
                            + " (a mapping with apiVersion and kind) but " + document.getNodeType().toString().toLowerCase());
                }
                documents.add(document);
            }
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new Malformed(source + ": not valid YAML" + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr()) + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new Malformed(source + ": could not be read: " + e.getMessage());
        }
        return documents;
    }

    static String yaml(List<JsonNode> documents) {
        StringBuilder out = new StringBuilder();
        for (JsonNode document : documents) {
            if (!out.isEmpty()) out.append("---\n");
            out.append(write(YAML, document));
        }
        return out.toString();
    }

    /** One document as is; several as a v1 List, as kubectl prints them. */
    static String json(List<JsonNode> documents) {
        if (documents.size() == 1) return write(JSON, documents.getFirst()) + "\n";
        var list = JSON.createObjectNode().put("apiVersion", "v1").put("kind", "List");
        list.putArray("items").addAll(documents);
        return write(JSON, list) + "\n";
    }

    static String json(JsonNode node) {
        return write(new ObjectMapper(), node);
    }

    /** A tree as compact JSON, in UTF-8 (JSON's encoding). */
    static byte[] utf8(JsonNode node) {
        try {
            return new ObjectMapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree that was read could not be written", e); // a defect, not an input
        }
    }

    private static String write(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree that was read could not be written", e); // a defect, not an input
        }
    }
}
