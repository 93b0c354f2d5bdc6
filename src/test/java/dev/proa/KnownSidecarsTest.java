package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.proa.sidecars.KnownSidecars;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import dev.proa.sidecars.Sidecars;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recognizing the common sidecars from Pod specs written the way their injectors and documentation write them, and
 * the plan that follows: one row per case. Adding a sidecar to {@link KnownSidecars#TABLE} adds rows here.
 */
class KnownSidecarsTest {
    private static final StopPlan.Options AUTO = new StopPlan.Options(List.of(), List.of(), true);

    private static ContainerBuilder container(String name, String image, String... args) {
        return new ContainerBuilder().withName(name).withImage(image).withArgs(args);
    }

    private static ContainerBuilder istio() {
        return container("istio-proxy", "docker.io/istio/proxyv2:1.24.0", "proxy", "sidecar", "--domain",
                "$(POD_NAMESPACE).svc.cluster.local", "--proxyLogLevel=warning");
    }

    private static ContainerBuilder linkerd(String enabled) {
        ContainerBuilder proxy = container("linkerd-proxy", "cr.l5d.io/linkerd/proxy:edge-25.1.1")
                .addNewEnv().withName("LINKERD2_PROXY_ADMIN_LISTEN_ADDR").withValue("[::]:4191").endEnv()
                .addNewEnv().withName("_pod_ns").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.namespace")
                .endFieldRef().endValueFrom().endEnv();
        return enabled == null ? proxy
                : proxy.addNewEnv().withName("LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED").withValue(enabled).endEnv();
    }

    private static final String CLOUD_SQL = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.14.1";

    static Stream<Arguments> recognition() {
        return Stream.of(
                arguments("istio-proxy as injected", istio(), Map.of(), false,
                        "POST http://127.0.0.1:15020/quitquitquit"),
                arguments("istio-proxy, status port annotated", istio(), Map.of("status.sidecar.istio.io/port", "15021"),
                        false, "POST http://127.0.0.1:15021/quitquitquit"),
                arguments("istio-proxy, status port 0", istio(), Map.of("status.sidecar.istio.io/port", "0"), false,
                        "cannot: the Pod annotation status.sidecar.istio.io/port is 0"),
                arguments("istio-proxy as a native sidecar", istio(), Map.of(), true, "native"),
                arguments("istio-proxy renamed, known by its image", istio().withName("mesh"), Map.of(), false,
                        "POST http://127.0.0.1:15020/quitquitquit"),
                arguments("linkerd-proxy, shutdown endpoint enabled", linkerd("true"), Map.of(), false,
                        "POST http://127.0.0.1:4191/shutdown"),
                arguments("linkerd-proxy, endpoint not enabled (the default)", linkerd(null), Map.of(), false,
                        "cannot: its /shutdown endpoint is not enabled"),
                arguments("linkerd-proxy, endpoint disabled", linkerd("false"), Map.of(), false,
                        "cannot: its /shutdown endpoint is not enabled (the environment variable"
                                + " LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED is false)"),
                arguments("linkerd-proxy, enabled by annotation, admin port moved", linkerd(null).editMatchingEnv(
                        e -> e.getName().equals("LINKERD2_PROXY_ADMIN_LISTEN_ADDR")).withValue("0.0.0.0:5191").endEnv(),
                        Map.of("config.alpha.linkerd.io/proxy-enable-shutdown-endpoint", "true"), false,
                        "POST http://127.0.0.1:5191/shutdown"),
                arguments("linkerd-proxy as a native sidecar", linkerd(null), Map.of(), true, "native"),
                arguments("cloud-sql-proxy with --quitquitquit", container("cloud-sql-proxy", CLOUD_SQL, "--quitquitquit",
                        "--port=5432", "my-project:my-region:my-instance"), Map.of(), false,
                        "POST http://127.0.0.1:9091/quitquitquit"),
                arguments("cloud-sql-proxy with --admin-port=9092", container("cloud-sql-proxy", CLOUD_SQL,
                        "--quitquitquit", "--admin-port=9092", "p:r:i"), Map.of(), false,
                        "POST http://127.0.0.1:9092/quitquitquit"),
                arguments("cloud-sql-proxy with --admin-port 9093", container("sql", CLOUD_SQL, "--admin-port", "9093",
                        "--quitquitquit", "p:r:i"), Map.of(), false, "POST http://127.0.0.1:9093/quitquitquit"),
                arguments("cloud-sql-proxy without --quitquitquit", container("cloud-sql-proxy", CLOUD_SQL, "--port=5432",
                        "p:r:i"), Map.of(), false, "cannot: its /quitquitquit endpoint is not enabled (none of the flag"
                                + " --quitquitquit or the environment variable CSQL_PROXY_QUITQUITQUIT is set)"),
                arguments("cloud-sql-proxy with --quitquitquit=false", container("cloud-sql-proxy", CLOUD_SQL,
                        "--quitquitquit=false", "p:r:i"), Map.of(), false, "cannot: its /quitquitquit endpoint is not enabled"),
                arguments("cloud-sql-proxy by environment", container("cloud-sql-proxy", CLOUD_SQL, "p:r:i")
                        .addNewEnv().withName("CSQL_PROXY_QUITQUITQUIT").withValue("true").endEnv()
                        .addNewEnv().withName("CSQL_PROXY_ADMIN_PORT").withValue("9094").endEnv(), Map.of(), false,
                        "POST http://127.0.0.1:9094/quitquitquit"),
                arguments("cloud-sql-proxy in a shell", container("db", CLOUD_SQL).withCommand("sh", "-c",
                        "exec /cloud-sql-proxy --quitquitquit --admin-port=9095 p:r:i"), Map.of(), false,
                        "POST http://127.0.0.1:9095/quitquitquit"),
                arguments("cloud-sql-proxy as a native sidecar", container("cloud-sql-proxy", CLOUD_SQL, "p:r:i"), Map.of(),
                        true, "native"),
                arguments("alloydb-auth-proxy with --quitquitquit", container("alloydb-proxy",
                        "gcr.io/alloydb-connectors/alloydb-auth-proxy:1.12.0", "--quitquitquit",
                        "projects/p/locations/l/clusters/c/instances/i"), Map.of(), false,
                        "POST http://127.0.0.1:9091/quitquitquit"),
                arguments("envoy with a port named admin", container("edge", "envoyproxy/envoy:v1.32.1", "-c",
                        "/etc/envoy/envoy.yaml").addNewPort().withName("admin").withContainerPort(9901).endPort(), Map.of(),
                        false, "POST http://127.0.0.1:9901/quitquitquit"),
                arguments("envoy, admin port unknown", container("envoy", "envoyproxy/envoy:v1.32.1", "-c",
                        "/etc/envoy/envoy.yaml"), Map.of(), false, "cannot: its port is not in the Pod spec"),
                arguments("vault-agent, quit enabled", container("vault-agent", "hashicorp/vault:1.18.1"),
                        Map.of("vault.hashicorp.com/agent-enable-quit", "true",
                                "vault.hashicorp.com/agent-cache-listener-port", "8100"), false,
                        "POST http://127.0.0.1:8100/agent/v1/quit"),
                arguments("vault-agent, quit not enabled", container("vault-agent", "hashicorp/vault:1.18.1"), Map.of(),
                        false, "cannot: its /agent/v1/quit endpoint is not enabled"),
                arguments("an unknown sidecar", container("redis", "redis:7.4"), Map.of(), false, "unknown"),
                arguments("an unknown native sidecar", container("redis", "redis:7.4"), Map.of(), true, "native"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("recognition")
    void recognizes(String description, ContainerBuilder sidecar, Map<String, String> annotations, boolean isNative,
            String expected) {
        Container built = sidecar.build();
        StopPlan plan = plan(built, annotations, isNative, AUTO);

        StopPlan.Step step = plan.steps().getFirst();
        String actual = switch (step.how()) {
            case StopPlan.Called c -> c.call().method() + " " + c.call().url();
            case StopPlan.NotCallable c -> "cannot: " + c.cannot().why();
            case StopPlan.Native n -> "native";
            case StopPlan.Unknown u -> "unknown";
            default -> step.how().toString();
        };
        assertTrue(actual.startsWith(expected), actual);
        assertEquals(expected.startsWith("POST") ? 1 : 0, plan.requests().size(), "native and unknown get no request");
        assertEquals(expected.startsWith("cannot") || expected.equals("unknown"), step.warn());
    }

    @Test
    void everyEntryNamesWhereItsFactsComeFrom() {
        for (KnownSidecars.Known known : KnownSidecars.TABLE) {
            assertTrue(known.source().startsWith("https://"), known.what());
            assertFalse(known.names().isEmpty() && known.images().isEmpty(), known.what() + " is recognized by nothing");
        }
    }

    @Test
    void explicitOptionsReplaceRecognitionAndTheirRequestsKeepWhatTheyAreFor() {
        StopPlan.Request given = new StopPlan.Request("GET", "http://127.0.0.1:15020/quitquitquit", null);
        StopPlan plan = plan(istio().build(), Map.of(), false, new StopPlan.Options(
                List.of("--shutdown-http-get=http://127.0.0.1:15020/quitquitquit"), List.of(given), true));

        assertEquals(List.of("GET http://127.0.0.1:15020/quitquitquit"),
                plan.requests().stream().map(r -> r.method() + " " + r.url()).toList());
        assertEquals("Istio's pilot-agent", plan.requests().getFirst().known().what(), "the port is istio-proxy's");
        assertEquals("Shutdown plan: sidecar istio-proxy: stopped by the options given"
                + " (--shutdown-http-get=http://127.0.0.1:15020/quitquitquit); recognized as Istio's pilot-agent, whose"
                + " own way is not used: the options replace it", StopWords.sentence(plan.steps().getFirst()));
        assertTrue(StopWords.hint(plan.requests().getFirst(), 405, "Method Not Allowed")
                .contains("accepts only POST on /quitquitquit. Fix: use --shutdown-http-post"));
    }

    @Test
    void shutdownAutoOffSendsNothingAndSaysWhatWouldFixIt() {
        StopPlan plan = plan(istio().build(), Map.of(), false, new StopPlan.Options(List.of(), List.of(), false));

        assertEquals(List.of(), plan.requests());
        assertTrue(plan.steps().getFirst().warn());
        assertTrue(StopWords.sentence(plan.steps().getFirst()).endsWith("Fix: give"
                + " --shutdown-http-post=http://127.0.0.1:15020/quitquitquit (recognized as Istio's pilot-agent)"),
                StopWords.sentence(plan.steps().getFirst()));
    }

    @Test
    void theLinesSayHowAndWhy() {
        assertEquals("Shutdown plan: sidecar istio-proxy: POST http://127.0.0.1:15021/quitquitquit (recognized as"
                + " Istio's pilot-agent, port 15021 from the Pod annotation status.sidecar.istio.io/port)",
                StopWords.sentence(plan(istio().build(), Map.of("status.sidecar.istio.io/port", "15021"), false, AUTO)
                        .steps().getFirst()));
        assertEquals("Shutdown plan: sidecar redis: nothing known stops it (not a sidecar proa recognizes, and no"
                + " shutdown option given). The Pod will not complete after COMMAND exits unless redis exits by itself."
                + " Fix: " + StopWords.GENERAL_FIX,
                StopWords.sentence(plan(container("redis", "redis:7.4").build(), Map.of(), false, AUTO).steps().getFirst()));
        assertTrue(StopWords.sentence(plan(linkerd(null).build(), Map.of(), false, AUTO).steps().getFirst())
                .endsWith("Fix: set the Pod annotation config.alpha.linkerd.io/proxy-enable-shutdown-endpoint: \"true\""
                        + " (or the Helm value proxy.enableShutdownEndpoint=true), or run the proxy as a native sidecar"
                        + " (config.beta.linkerd.io/proxy-enable-native-sidecar: \"true\")"));
    }

    @Test
    void answersGetTheLikelyCauseAndTheFix() {
        StopPlan.Request unknown = new StopPlan.Request("POST", "http://127.0.0.1:4191/shutdown", null);
        assertTrue(StopWords.hint(unknown, 404, "shutdown endpoint is not enabled\n")
                .contains("Linkerd's proxy answers 404 when its /shutdown endpoint is not enabled. Fix: set the Pod"
                        + " annotation config.alpha.linkerd.io/proxy-enable-shutdown-endpoint"), "known by its answer");
        assertTrue(StopWords.hint(unknown, 404, "").contains("check the URL against the sidecar's documentation"));
        assertTrue(StopWords.hint(unknown, 403, "").contains("only from inside its own Pod (loopback"));
        assertNull(StopWords.hint(unknown, 500, ""));
        KnownSidecars.Known cloudSql = KnownSidecars.TABLE.get(2);
        StopPlan.Request proxy = new StopPlan.Request("POST", "http://127.0.0.1:9091/quitquitquit", cloudSql);
        assertTrue(StopWords.hint(proxy, 404, "404 page not found").endsWith("Fix: start the proxy with"
                + " --quitquitquit (its admin server, port 9091 unless --admin-port)"));
        assertTrue(StopWords.refusedHint(proxy).endsWith("(the Cloud SQL Auth Proxy's port is set by the flag"
                + " --admin-port or the environment variable CSQL_PROXY_ADMIN_PORT (default 9091))"));
    }

    @Test
    void aSidecarThatFailsThePodGetsItsOwnFix() {
        StopPlan plan = plan(container("cloud-sql-proxy", CLOUD_SQL, "--quitquitquit", "p:r:i").build(), Map.of(),
                false, AUTO);
        assertEquals("start the proxy with --exit-zero-on-sigterm", StopWords.exitFix(plan.steps().getFirst()));
        assertTrue(StopWords.exitFix(plan(container("redis", "redis:7.4").build(), Map.of(), false, AUTO).steps().getFirst())
                .startsWith("make it exit 0"));
    }

    private static StopPlan plan(Container sidecar, Map<String, String> annotations, boolean isNative,
            StopPlan.Options options) {
        PodBuilder pod = new PodBuilder().withNewMetadata().withName("job").withNamespace("jobs")
                .withAnnotations(annotations).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage("app").endContainer().endSpec();
        if (isNative) {
            pod.editSpec().addToInitContainers(new ContainerBuilder(sidecar).withRestartPolicy("Always").build()).endSpec();
        } else {
            pod.editSpec().addToContainers(sidecar).endSpec();
        }
        Pod built = pod.build();
        try {
            return StopPlan.of(built, Sidecars.select(built, Sidecars.Choice.ALL), options);
        } catch (Sidecars.NotInPod e) {
            throw new AssertionError(e);
        }
    }
}
