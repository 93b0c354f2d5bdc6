package dev.proa.inject;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proa.config.Options;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples, as proa inject and proa webhook meet them: each example Job written without proa (its main
 * container's command the one after {@code --}, proa's options left out) and injected back, in both modes, runs the
 * same COMMAND with the same options; and the webhook's example is consistent with itself and with proa webhook.
 */
class ExamplesInjectTest {
    private static final Path EXAMPLES = Path.of("examples");

    static Stream<String> jobs() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && !n.equals("webhook.yaml"))
                    .sorted().toList().stream();
        }
    }

    static List<JsonNode> read(String file) throws Exception {
        return Yaml.documents(Files.readString(EXAMPLES.resolve(file)), file);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jobs")
    void eachExampleJobWrittenWithoutProaIsInjectedBackToTheSameRun(String file) throws Exception {
        int checked = 0;
        for (JsonNode document : read(file)) {
            if (!document.path("kind").asText().equals("Job")) continue;
            ObjectNode main = (ObjectNode) document.at("/spec/template/spec/containers/0");
            List<String> argv = argv(main);
            int dash = argv.indexOf("--");
            List<String> proaOptions = argv.subList(1, dash);
            Options example = parse(argv);

            ObjectNode plain = (ObjectNode) document.deepCopy();
            ObjectNode container = (ObjectNode) plain.at("/spec/template/spec/containers/0");
            ArrayNode command = container.putArray("command");
            argv.subList(dash + 1, argv.size()).forEach(command::add);
            container.remove("args");
            for (Injection.Mode mode : Injection.Mode.values()) {
                Manifests.Result result = Manifests.inject(plain, new Injection.Settings("proa:1", mode, null, proaOptions));
                assertInstanceOf(Injection.Inject.class, result.outcomes().getFirst().verdict(), file + " " + mode);
                Options injected = parse(argv((ObjectNode) result.document().at("/spec/template/spec/containers/0")));
                assertEquals(example.command, injected.command, file + " " + mode + ": COMMAND");
                assertEquals(example.settings().stop().given(), injected.settings().stop().given());
                assertEquals(example.startupTimeout, injected.startupTimeout);
                assertEquals(example.main, injected.main);
                assertEquals(result.document(), Manifests.inject(result.document(),
                        new Injection.Settings("proa:1", mode, null, proaOptions)).document(), "idempotent");
            }
            checked++;
        }
        assertTrue(checked > 0, file + " has no Job");
    }

    private static List<String> argv(ObjectNode container) {
        List<String> argv = new ArrayList<>();
        container.path("command").forEach(a -> argv.add(a.asText()));
        container.path("args").forEach(a -> argv.add(a.asText()));
        return argv;
    }

    private static Options parse(List<String> argv) {
        assertEquals(Injection.LAUNCHER, argv.getFirst());
        Options options = new Options();
        Options.commandLine(options, Map.of()).parseArgs(argv.subList(1, argv.size()).toArray(String[]::new));
        options.validate();
        return options;
    }

    // ---- The webhook's example ----

    private static JsonNode kind(List<JsonNode> documents, String kind) {
        return documents.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("webhook.yaml has no " + kind));
    }

    @Test
    void theWebhooksExampleRunsArgumentsProaWebhookAcceptsAndHoldsTogether() throws Exception {
        List<JsonNode> documents = read("webhook.yaml");
        JsonNode pod = kind(documents, "Deployment").at("/spec/template");
        JsonNode container = pod.at("/spec/containers/0");
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertEquals("webhook", args.getFirst());
        int dash = args.indexOf("--");
        WebhookCommand webhook = new WebhookCommand();
        new picocli.CommandLine(webhook).setCaseInsensitiveEnumValuesAllowed(true)
                .parseArgs(args.subList(1, dash).toArray(String[]::new));
        ProaOptions.check(args.subList(dash + 1, args.size()));

        assertInstanceOf(Injection.OptedOut.class, Manifests.inject(kind(documents, "Deployment"),
                new Injection.Settings("proa:1", Injection.Mode.IMAGE, null, List.of())).outcomes().getFirst().verdict(),
                "the webhook's own Pods opt out");
        JsonNode service = kind(documents, "Service");
        assertEquals(webhook.port, service.at("/spec/ports/0/targetPort").asInt());
        assertEquals(webhook.port, container.at("/ports/0/containerPort").asInt());
        assertEquals(webhook.port, container.at("/readinessProbe/httpGet/port").asInt());
        String mount = container.at("/volumeMounts/0/mountPath").asText();
        assertTrue(webhook.cert.startsWith(mount) && webhook.key.startsWith(mount), "the certificate is in the Secret's volume");
        JsonNode certificate = kind(documents, "Certificate");
        assertEquals(certificate.at("/spec/secretName").asText(), pod.at("/spec/volumes/0/secret/secretName").asText());

        JsonNode configuration = kind(documents, "MutatingWebhookConfiguration");
        assertEquals(2, configuration.path("webhooks").size());
        for (JsonNode entry : configuration.path("webhooks")) {
            JsonNode client = entry.at("/clientConfig/service");
            assertEquals(service.at("/metadata/name").asText(), client.path("name").asText());
            assertEquals("/mutate", client.path("path").asText());
            assertEquals(service.at("/spec/ports/0/port").asInt(), client.path("port").asInt());
            String dns = client.path("name").asText() + "." + client.path("namespace").asText() + ".svc";
            assertTrue(certificate.at("/spec/dnsNames").toString().contains("\"" + dns + "\""), dns);
            assertEquals("[\"v1\"]", entry.path("admissionReviewVersions").toString());
            assertEquals("[\"pods\"]", entry.at("/rules/0/resources").toString());
            assertEquals("[\"CREATE\"]", entry.at("/rules/0/operations").toString());
            assertEquals("Fail", entry.path("failurePolicy").asText());
            assertEquals(client.path("namespace").asText(), configuration.at("/metadata/annotations")
                    .path("cert-manager.io/inject-ca-from").asText().split("/")[0]);
        }
        JsonNode byPod = configuration.at("/webhooks/1/namespaceSelector/matchExpressions/1/values");
        assertTrue(byPod.toString().contains("\"kube-system\"") && byPod.toString().contains("\"proa-system\""),
                "Pods that opt in alone are never taken from the system's or the webhook's own namespace");
        assertFalse(configuration.at("/webhooks/0/namespaceSelector/matchLabels").isMissingNode());
    }
}
