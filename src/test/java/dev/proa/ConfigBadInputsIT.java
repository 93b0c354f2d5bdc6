package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The configuration's bad inputs through the real process (issue 28, items 1, 4, 6 and 9): malformed option values,
 * Pods of odd shapes, an extreme grace period, and a URL with a password. Each is held to {@link BadInput}'s promise:
 * the documented status, a sentence naming the value, a bounded time, no Java internals; and the shutdown is still
 * attempted.
 */
class ConfigBadInputsIT extends EndToEnd {
    private static final Duration USAGE_BOUND = Duration.ofSeconds(20);
    private static final Duration RUN_BOUND = Duration.ofSeconds(45);
    private static final String PASSWORD = "s3cr3tPW";

    /** A sidecar's shutdown endpoint in the test's own process: /quit answers 200, /ready 503; every request recorded. */
    private HttpServer endpoint;
    private final Queue<String> requests = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startEndpoint() throws IOException {
        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        endpoint.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/quit") ? 200 : 503, -1);
            exchange.close();
        });
        endpoint.start();
    }

    @AfterEach
    void stopEndpoint() {
        endpoint.stop(0);
    }

    private String endpointUrl(String userInfo, String path) {
        return "http://" + userInfo + "127.0.0.1:" + endpoint.getAddress().getPort() + path;
    }

    // ---- Item 4: malformed values are usage errors ----

    static Stream<Arguments> malformedValues() {
        return Stream.of(
                bad(List.of("--wait-tcp", "[::1:80"), Map.of(), "'[::1:80' is not HOST:PORT"),
                bad(List.of("--wait-tcp", "a b:80"), Map.of(), "'a b' is not a host name or IP address"),
                bad(List.of("--wait-tcp", "::1:80"), Map.of(), "'::1:80' is not HOST:PORT"),
                bad(List.of("--wait-tcp", "db!:80"), Map.of(), "'db!' is not a host name or IP address"),
                bad(List.of("--wait-tcp", "db:0"), Map.of(), "'db:0' is not HOST:PORT"),
                bad(List.of("-p", ",,,"), Map.of(), "--shutdown-http-post got no URL in ',,,'"),
                bad(List.of("-g", ","), Map.of(), "--shutdown-http-get got no URL in ','"),
                bad(List.of("-k", ","), Map.of(), "--kill got no NAME in ','"),
                bad(List.of("--wait-http", "http:///ready"), Map.of(), "'http:///ready' is not an http:// or https:// URL"),
                bad(List.of("--wait-http", "http://db/ready http://proxy/ready"), Map.of(), "has a space in it"),
                bad(List.of("--wait-http", "http://999.0.0.1/ready"), Map.of(), "'999.0.0.1' is not a host name"),
                bad(List.of(), Map.of("PROA_SHUTDOWN_HTTP_POST", ",,,"), "PROA_SHUTDOWN_HTTP_POST got no URL in ',,,'"),
                bad(List.of(), Map.of("PROA_WAIT_TCP", "a b:80"), "'a b' is not a host name or IP address"),
                // a request bound to a sidecar, and the order of the stop
                bad(List.of("-p", "Log_Shipper=http://127.0.0.1:1/x"), Map.of(),
                        "'Log_Shipper' in 'Log_Shipper=http://127.0.0.1:1/x' is not a container name"),
                bad(List.of("-g", "proxy=ftp://127.0.0.1/x"), Map.of(),
                        "'proxy=ftp://127.0.0.1/x' is not an http:// or https:// URL"),
                bad(List.of(), Map.of("PROA_SHUTDOWN_ORDER", "a,b;b"), "PROA_SHUTDOWN_ORDER names b in two phases"),
                bad(List.of("--shutdown-order", " ; "), Map.of(), "--shutdown-order got no NAME in ' ; '"));
    }

    @ParameterizedTest(name = "proa {0} (env {1})")
    @MethodSource("malformedValues")
    void aMalformedValueIsAUsageErrorNamingIt(List<String> options, Map<String, String> variables, String naming)
            throws Exception {
        Map<String, String> env = env("job");
        env.putAll(variables);
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("--", "touch", "ran"));
        long started = System.nanoTime();
        ProaRun run = ProaRun.start(dir, env, args);
        BadInput.check(run, started, USAGE_BOUND, 2, naming);
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
        assertEquals(0, cluster.requests(), "nothing is asked of the API on a usage error");
    }

    private static Arguments bad(List<String> args, Map<String, String> env, String naming) {
        return Arguments.of(args, env, naming);
    }

    // ---- Item 6: odd Pods ----

    /** Stores the Pod as the JSON given, through the generic client: the typed one would not write these shapes. */
    private void createRaw(String json) {
        GenericKubernetesResource pod = Serialization.unmarshal(json, GenericKubernetesResource.class);
        cluster.client.genericKubernetesResources("v1", "Pod").inNamespace(MockCluster.NAMESPACE).resource(pod).create();
    }

    private static String pod(String rest) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"job\",\"namespace\":\"jobs\"}" + rest + "}";
    }

    static Stream<Arguments> oddPods() {
        return Stream.of(
                Arguments.of("spec null", pod(",\"spec\":null"), "Pod jobs/job has no containers in its spec"),
                Arguments.of("spec {}", pod(",\"spec\":{}"), "Pod jobs/job has no containers in its spec"),
                Arguments.of("containers a string", pod(",\"spec\":{\"containers\":\"main\"}"),
                        "Pod jobs/job has no list of containers: its spec.containers is not a list"),
                Arguments.of("a container without a name", pod(",\"spec\":{\"containers\":[{\"name\":\"main\"},"
                        + "{\"image\":\"proxy\"}]}"), "container #2 of Pod jobs/job has no name"),
                Arguments.of("containerStatuses a map", pod(",\"spec\":{\"containers\":[{\"name\":\"main\"},"
                        + "{\"name\":\"proxy\"}]},\"status\":{\"containerStatuses\":{\"name\":\"proxy\"}}"),
                        "Pod jobs/job's status.containerStatuses is not a list"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddPods")
    void anOddPodFailsTheStartupWithASentenceAndTheShutdownStillRuns(String shape, String json, String sentence)
            throws Exception {
        createRaw(json);
        long started = System.nanoTime();
        ProaRun run = ProaRun.start(dir, env("job"), List.of("-p", endpointUrl("", "/quit"), "--", "touch", "ran"));

        BadInput.check(run, started, RUN_BOUND, 125, "Startup failed: " + sentence);
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
        assertTrue(requests.contains("POST /quit"), "the shutdown request was sent all the same:\n" + run.log());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddPods")
    void checkAnswersAnOddPodWithItsOwnStatusAndTheSentence(String shape, String json, String sentence)
            throws Exception {
        createRaw(json);
        long started = System.nanoTime();
        ProaRun run = ProaRun.start(dir, env("job"), List.of("check", "-p", endpointUrl("", "/quit")));

        BadInput.check(run, started, RUN_BOUND, 1, "");
        assertTrue(run.output().contains(sentence), "the report names what is wrong:\n" + run.output() + run.log());
        BadInput.noInternals(run.output());
        assertTrue(requests.isEmpty(), "check sends no request");
    }

    // ---- Item 1: a grace period past the clock's range ----

    @Test
    void aHugeGracePeriodStillStopsTheSidecars() throws Exception {
        Pod pod = TestPods.pod("job", List.of("proxy"), List.of());
        pod.getSpec().setTerminationGracePeriodSeconds(99_999_999_999L); // an int64 the API accepts
        cluster.create(pod);
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 0);
        try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
            long started = System.nanoTime();
            ProaRun run = ProaRun.start(dir, env("job"), List.of(
                    "-p", "http://127.0.0.1:" + proxy.port() + "/quitquitquit", "--", "sh", "-c", "exit 3"));

            BadInput.check(run, started, RUN_BOUND, 3, "Shutdown request POST http://127.0.0.1:" + proxy.port()
                    + "/quitquitquit answered 200");
            assertTrue(proxy.process().waitFor(10, TimeUnit.SECONDS), "the sidecar was stopped");
            assertEquals("POST /quitquitquit", Files.readString(dir.resolve("proxy.quit")));
            assertTrue(run.log().contains("Shutdown complete"), run.log());
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    // ---- Item 9: a URL's password is never written ----

    @ParameterizedTest(name = "--log-format={0}")
    @CsvSource({"text", "json"})
    void aUrlsPasswordReachesNeitherTheLogNorTheTerminationMessageNorAnEvent(String format) throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        Path termination = dir.resolve("termination-log");
        String credentials = "ops:" + PASSWORD + "@";
        long started = System.nanoTime(); // the startup times out after 5s: time to see the Pod, which Events are on
        ProaRun run = ProaRun.start(dir, env("job"), List.of("--log-format=" + format, "--events",
                "--termination-log=" + termination, "--wait-for=proxy", "--wait-http=" + endpointUrl(credentials, "/ready"),
                "--startup-timeout=5s", "--shutdown-timeout=1s", "-p", endpointUrl(credentials, "/quit"),
                "--", "touch", "ran"));

        BadInput.check(run, started, RUN_BOUND, 193, "ops:xxxxx@127.0.0.1:" + endpoint.getAddress().getPort());
        assertTrue(requests.contains("POST /quit"), "the request went to the URL as given:\n" + run.log());
        String message = Files.readString(termination);
        assertTrue(message.contains("http://ops:xxxxx@127.0.0.1:"), message);
        List<String> events = cluster.client.v1().events().inNamespace(MockCluster.NAMESPACE).list().getItems().stream()
                .map(e -> e.getReason() + ": " + e.getMessage()).toList();
        assertTrue(events.stream().anyMatch(e -> e.startsWith("StartupFailed") && e.contains("ops:xxxxx@")), events::toString);
        for (String said : List.of(run.log(), message, events.toString())) {
            assertFalse(said.contains(PASSWORD), "the password was written:\n" + said);
        }
        assertTrue(run.log().contains("--shutdown-http-post=http://ops:xxxxx@127.0.0.1:"), "the plan names the URL");
        assertTrue(run.log().contains("Shutdown request POST http://ops:xxxxx@127.0.0.1:"), run.log());

        ProaRun check = ProaRun.start(dir, env("job"), List.of("check", "--probe", "--log-format=" + format,
                "--wait-for=proxy", "--wait-http=" + endpointUrl(credentials, "/ready"), "-p", endpointUrl(credentials, "/quit")));
        assertEquals(1, check.exitStatus(), check.output() + check.log());
        assertTrue(check.output().contains("ops:xxxxx@127.0.0.1:"), check.output());
        assertFalse((check.output() + check.log()).contains(PASSWORD), check.output() + check.log());
    }
}
