package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A binding or order naming what is no sidecar of the Pod, through the real process: said at warn, and the run goes
 * on (the malformed ones are usage errors, in {@link ConfigBadInputsIT}).
 */
class StopOrderBadInputsIT extends EndToEnd {
    private static final Duration RUN_BOUND = Duration.ofSeconds(45);

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
