package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import dev.proa.process.Libc;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import io.fabric8.mockwebserver.http.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order of the shutdown, end to end: a log shipper (its request bound to it, {@code -p log-shipper=URL}) and
 * istio-proxy (recognized, a mesh proxy). The test stands for both sidecars and the kubelet: it writes the log
 * shipper's termination into the Pod's status only once proa has logged the log shipper's answer, and records, when
 * istio-proxy is asked, whether the API server holds that termination already: it must.
 */
class StopOrderIT extends EndToEnd {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    /** An endpoint on 127.0.0.1 that answers 200 to a POST on {@code path}, then does {@code then}. */
    private int endpoint(String path, Runnable then) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext(path, exchange -> {
            answer(exchange);
            then.run();
        });
        server.start();
        servers.add(server);
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        byte[] body = "ok\n".getBytes();
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private boolean logShipperTerminated() {
        Pod pod = cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName("job").get();
        return pod.getStatus().getContainerStatuses().stream().anyMatch(s -> s.getName().equals("log-shipper")
                && s.getState() != null && s.getState().getTerminated() != null);
    }

    /**
     * A Pod with a log shipper (its request bound to it, on port {@code shipper}) and istio-proxy (recognized, on port
     * {@code mesh}), both running and ready; proa run with COMMAND {@code true}, returned once it has heard the log
     * shipper's answer. A long timeout: the second phase may begin only by the first one's end, not by its share.
     */
    private ProaRun startWithShipperAndMesh(int shipper, int mesh) throws Exception {
        Pod pod = TestPods.pod("job", List.of("log-shipper", "istio-proxy"), List.of());
        pod.getMetadata().setAnnotations(Map.of("status.sidecar.istio.io/port", Integer.toString(mesh)));
        pod.getStatus().setContainerStatuses(List.of(TestPods.running("main", true),
                TestPods.running("log-shipper", true), TestPods.running("istio-proxy", true)));
        cluster.create(pod);
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("--shutdown-timeout=120s",
                "-p", "log-shipper=http://127.0.0.1:" + shipper + "/flush", "--", "true"));
        TestSupport.awaitTrue(() -> proa.log().contains("Shutdown request POST http://127.0.0.1:" + shipper
                + "/flush answered 200"));
        return proa;
    }

    @Test
    void theMeshProxyIsAskedOnlyAfterTheLogShipperHasTerminated() throws Exception {
        int shipper = endpoint("/flush", () -> events.add("log-shipper asked"));
        // What the API server holds when istio-proxy is asked: whether the log shipper's termination is written.
        int mesh = endpoint("/quitquitquit", () -> {
            events.add("istio-proxy asked, log-shipper " + (logShipperTerminated() ? "terminated" : "running"));
            cluster.setStatus("job", "istio-proxy", s -> TestPods.terminated("istio-proxy", 0));
        });
        ProaRun proa = startWithShipperAndMesh(shipper, mesh);
        // The kubelet's part, once proa has heard the log shipper's answer: a request sent with it would be there by now.
        cluster.setStatus("job", "log-shipper", s -> TestPods.terminated("log-shipper", 0));

        assertEquals(0, proa.exitStatus(), proa.log());
        assertEquals(List.of("log-shipper asked", "istio-proxy asked, log-shipper terminated"), events, proa.log());
        assertTrue(proa.log().contains("Shutdown plan: sidecar istio-proxy: POST http://127.0.0.1:" + mesh
                + "/quitquitquit (recognized as Istio's pilot-agent, port " + mesh + " from the Pod annotation"
                + " status.sidecar.istio.io/port) [phase 2 of 2, after phase 1's sidecars (log-shipper) have terminated"
                + " or had their share of the shutdown timeout]"), proa.log());
        assertTrue(proa.log().contains("Shutdown phase 2 of 2 (istio-proxy) after "), proa.log());
        assertTrue(proa.log().contains(": phase 1's sidecars have terminated"), proa.log());
        assertTrue(proa.log().contains("Shutdown complete after"), proa.log());
    }

    /**
     * A second SIGTERM while the first phase waits ends the shutdown: the mesh's request, whose phase had not begun,
     * still goes out, and its answer is awaited (a moment) before proa exits, or it might never be written.
     */
    @Test
    void aSecondSignalInTheFirstPhaseStillAsksTheMeshAndHearsItsAnswer() throws Exception {
        int shipper = endpoint("/flush", () -> events.add("log-shipper asked"));
        int mesh = endpoint("/quitquitquit", () -> events.add("istio-proxy asked"));
        ProaRun proa = startWithShipperAndMesh(shipper, mesh);
        Libc.kill(proa.process.pid(), 15);
        // The second only once the first was heard: two SIGTERMs pending at once are one (standard signals coalesce).
        TestSupport.awaitTrue(() -> proa.log().contains("Received SIGTERM during the shutdown: it goes on"));
        Libc.kill(proa.process.pid(), 15);

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(proa.log().contains("Shutdown cut short by a signal after "), proa.log());
        assertTrue(proa.log().contains("Shutdown request POST http://127.0.0.1:" + mesh + "/quitquitquit (phase 2 of"
                + " 2) sent now, as the shutdown ends before it went out"), proa.log());
        assertTrue(proa.log().contains("Shutdown request POST http://127.0.0.1:" + mesh + "/quitquitquit answered 200"),
                proa.log());
        assertEquals(List.of("log-shipper asked", "istio-proxy asked"), events, proa.log());
    }

    @Test
    void proaCheckPrintsThePlanInItsOrderWithPhasesAndEscalationAndNamesAStray() throws Exception {
        Pod pod = TestPods.pod("job", List.of("istio-proxy", "log-shipper"), List.of("logger"));
        pod.getSpec().setShareProcessNamespace(true);
        cluster.create(pod);
        cluster.intercept(request -> request.getPath().startsWith("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
                ? new MockResponse().setResponseCode(201).setBody(request.getUtf8Body()
                        .replaceFirst("\\}$", ",\"status\":{\"allowed\":true}}")) : null);

        ProaRun proa = ProaRun.start(dir, env("job"), List.of("check", "-p", "log-shipper=http://127.0.0.1:1/flush",
                "-p", "ghost=http://127.0.0.1:2/quit"));

        assertEquals(1, proa.exitStatus(), proa.output() + proa.log());
        String out = proa.output();
        String then = "    then:    if it answers its request but still runs at the end of its phase's share of the"
                + " shutdown timeout, SIGTERM to its processes (the Pod shares its process namespace)\n";
        assertTrue(out.contains("Sidecars:\n  log-shipper\n    ready:   no readiness probe: ready as soon as it runs\n"
                + "    stopped: stopped by the option bound to it (--shutdown-http-post=log-shipper=http://127.0.0.1:1/flush)\n"
                + "    phase:   phase 1 of 2, first\n" + then
                + "  istio-proxy\n    ready:   no readiness probe: ready as soon as it runs\n"
                + "    stopped: POST http://127.0.0.1:15020/quitquitquit (recognized as Istio's pilot-agent, its default"
                + " port 15020)\n    phase:   phase 2 of 2, after phase 1's sidecars (log-shipper) have terminated or had"
                + " their share of the shutdown timeout\n" + then
                + "  logger (native)\n"), out);
        assertTrue(out.contains("  - --shutdown-http-post=ghost=http://127.0.0.1:2/quit names ghost, which is not a"
                + " sidecar of the Pod (its sidecars: istio-proxy, log-shipper, logger); the request is sent anyway, in"
                + " the first phase. Fix: give a container name of the Pod's"), out);
    }
}
