package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad bindings and orders, through the real process: a malformed one is a usage error naming it (exit 2, nothing
 * started or asked); a name that is no sidecar of the Pod is said at warn, and the run goes on.
 */
class StopOrderBadInputsIT extends EndToEnd {
    private static final Duration USAGE_BOUND = Duration.ofSeconds(20);
    private static final Duration RUN_BOUND = Duration.ofSeconds(45);

    static Stream<Arguments> malformed() {
        return Stream.of(
                arguments(List.of("-p", "Log_Shipper=http://127.0.0.1:1/x"), Map.of(),
                        "'Log_Shipper' in 'Log_Shipper=http://127.0.0.1:1/x' is not a container name"),
                arguments(List.of("-g", "proxy=ftp://127.0.0.1/x"), Map.of(),
                        "'proxy=ftp://127.0.0.1/x' is not an http:// or https:// URL"),
                arguments(List.of(), Map.of("PROA_SHUTDOWN_ORDER", "a,b;b"),
                        "PROA_SHUTDOWN_ORDER names b in two phases"),
                arguments(List.of("--shutdown-order", " ; "), Map.of(), "--shutdown-order got no NAME in ' ; '"));
    }

    @ParameterizedTest(name = "proa {0} (env {1})")
    @MethodSource("malformed")
    void aMalformedBindingOrOrderIsAUsageErrorNamingIt(List<String> options, Map<String, String> variables,
            String naming) throws Exception {
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

    @Test
    void aNameThatIsNoSidecarOfThePodIsSaidAndItsRequestSentAnyway() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        endpoint.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        endpoint.start();
        try {
            cluster.create(TestPods.pod("job", List.of(), List.of()));
            String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/quit";
            long started = System.nanoTime();
            ProaRun run = ProaRun.start(dir, env("job"), List.of("-p", "ghost=" + url, "--shutdown-order=spectre",
                    "--", "touch", "ran"));

            BadInput.check(run, started, RUN_BOUND, 0, "WARN proa - Shutdown plan: --shutdown-http-post=ghost=" + url
                    + " names ghost, which is not a sidecar of the Pod (its sidecars: none); the request is sent anyway,"
                    + " in the first phase");
            assertTrue(run.log().contains("--shutdown-order names spectre, which is not a sidecar of the Pod (its"
                    + " sidecars: none); the name is left out of the order"), run.log());
            assertTrue(Files.exists(dir.resolve("ran")), "COMMAND ran");
            assertEquals(List.of("POST /quit"), requests, run.log());
        } finally {
            endpoint.stop(0);
        }
    }
}
