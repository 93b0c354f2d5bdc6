package dev.proa.inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code proa inject --rbac}: the Role and RoleBinding proa needs (get, list and watch on pods; create on events with
 * {@code --events}), for each Pod template's service account, as documents to add. One Role per namespace, one
 * RoleBinding per service account. A document without a namespace gets them without one too: both then go where
 * the manifests are applied, and a RoleBinding's ServiceAccount subject without a namespace is the RoleBinding's own.
 * Written as trees (the RBAC model is left out of proa's jar).
 */
final class Rbac {
    static final String ROLE = "proa";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private Rbac() {}

    /** The documents for these templates (in order of first appearance, each once). */
    static List<JsonNode> documents(List<Manifests.Template> templates, boolean events) {
        Set<String> namespaces = new LinkedHashSet<>();
        Set<Manifests.Template> bindings = new LinkedHashSet<>();
        for (Manifests.Template template : templates) {
            namespaces.add(template.namespace() == null ? "" : template.namespace());
            bindings.add(new Manifests.Template(template.namespace(), account(template)));
        }
        List<JsonNode> documents = new ArrayList<>();
        for (String namespace : namespaces) documents.add(role(namespace.isEmpty() ? null : namespace, events));
        for (Manifests.Template binding : bindings) documents.add(binding(binding));
        return documents;
    }

    /** The service account a Pod runs as: its serviceAccountName, else the namespace's "default". */
    static String account(Manifests.Template template) {
        return template.serviceAccount() == null || template.serviceAccount().isEmpty() ? "default" : template.serviceAccount();
    }

    private static ObjectNode role(String namespace, boolean events) {
        ObjectNode role = header("Role", ROLE, namespace);
        var rules = role.putArray("rules");
        rules.add(rule("pods", "get", "list", "watch"));
        if (events) rules.add(rule("events", "create"));
        return role;
    }

    private static ObjectNode binding(Manifests.Template template) {
        ObjectNode binding = header("RoleBinding", ROLE + "-" + template.serviceAccount(), template.namespace());
        binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Role").put("name", ROLE);
        binding.putArray("subjects").addObject().put("kind", "ServiceAccount").put("name", template.serviceAccount());
        return binding;
    }

    private static ObjectNode rule(String resource, String... verbs) {
        ObjectNode rule = JSON.objectNode();
        rule.putArray("apiGroups").add("");
        rule.putArray("resources").add(resource);
        var list = rule.putArray("verbs");
        for (String verb : verbs) list.add(verb);
        return rule;
    }

    private static ObjectNode header(String kind, String name, String namespace) {
        ObjectNode document = JSON.objectNode().put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", kind);
        ObjectNode metadata = document.putObject("metadata").put("name", name);
        if (namespace != null) metadata.put("namespace", namespace);
        return document;
    }
}
