package dev.proa;

import dev.proa.config.Options;
import dev.proa.kube.PodWatch;
import dev.proa.lifecycle.Shutdown;
import dev.proa.probe.Endpoints;
import dev.proa.process.Signals;
import dev.proa.sidecars.Readiness;
import dev.proa.sidecars.Sidecars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shutdown phase: real HTTP endpoints on mockwebserver3, the Pod on the CRUD mock API server. */
class ShutdownTest {
    private static final Logger LOG = LoggerFactory.getLogger("proa");

    private MockCluster cluster;
    private KubernetesClient proaClient;
    private EventLoop watch;
    private final RecordingLogger log = new RecordingLogger();
    private final List<MockWebServer> endpoints = new ArrayList<>();

    @BeforeEach
    void start() {
        cluster = new MockCluster(false);
        proaClient = cluster.server.createClient();
    }

    @AfterEach
    void stop() {
        endpoints.forEach(MockWebServer::close);
        if (watch != null) watch.close();
        proaClient.close();
        cluster.close();
    }

    @Test
    void sendsEveryRequestAtOnceThenWaitsUntilTheSidecarsHaveStopped() throws Exception {
        runningPod("job-1", List.of("proxy", "db"), List.of());
        MockWebServer slow = endpoint(new MockResponse.Builder().code(200).headersDelay(2, TimeUnit.SECONDS).build());
        MockWebServer fast = endpoint(new MockResponse.Builder().code(200).build());

        long started = System.nanoTime();
        CompletableFuture<Void> shutdown = shutDown("job-1",
                "-g", slow.url("/quitquitquit").toString(), "-p", fast.url("/shutdown").toString());

        RecordedRequest post = fast.takeRequest(10, TimeUnit.SECONDS);
        RecordedRequest get = slow.takeRequest(10, TimeUnit.SECONDS);
        assertNotNull(post);
        assertNotNull(get);
        assertEquals("POST", post.getMethod());
        assertEquals("/shutdown", post.getTarget());
        assertEquals("GET", get.getMethod());
        assertEquals("/quitquitquit", get.getTarget());
        assertTrue(System.nanoTime() - started < Duration.ofMillis(1900).toNanos(),
                "the POST did not wait for the slow GET's answer");

        TestSupport.awaitTrue(() -> log.count("answered 200") == 2); // both answered; the sidecars still run
        assertFalse(shutdown.isDone(), "proa waits until the sidecars have stopped");
        cluster.setStatus("job-1", "proxy", s -> TestPods.terminated("proxy", 0));
        cluster.setStatus("job-1", "db", s -> TestPods.terminated("db", 0));
        shutdown.get(20, TimeUnit.SECONDS);
    }

    @Test
    void neverOutlastsTheShutdownTimeout() throws Exception {
        runningPod("job-2", List.of("proxy"), List.of());
        MockWebServer hanging = endpoint(new MockResponse.Builder().code(200).headersDelay(60, TimeUnit.SECONDS).build());

        long started = System.nanoTime();
        shutDown("job-2", "--shutdown-timeout=1s", "-p", hanging.url("/quitquitquit").toString())
                .get(20, TimeUnit.SECONDS);

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(Duration.ofMillis(900)) >= 0, "waited for the sidecar: " + took);
        assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, "bounded by the 1s timeout: " + took);
    }

    @Test
    void retriesARefusedConnectionUntilTheSidecarListens() throws Exception {
        runningPod("job-3", List.of("proxy"), List.of());
        TestSupport.RefusingPort refusing = new TestSupport.RefusingPort();
        int port = refusing.port;
        CompletableFuture<Void> shutdown = shutDown("job-3", "-p", "http://127.0.0.1:" + port + "/quitquitquit");

        TestSupport.awaitTrue(() -> log.count("was refused") == 1);
        refusing.close();
        MockWebServer late = new MockWebServer();
        endpoints.add(late);
        late.enqueue(new MockResponse.Builder().code(200).build());
        late.start(InetAddress.getLoopbackAddress(), port);

        RecordedRequest request = late.takeRequest(10, TimeUnit.SECONDS);
        assertNotNull(request, "the refused request was sent again once the sidecar listened");
        assertEquals("POST", request.getMethod());
        cluster.setStatus("job-3", "proxy", s -> TestPods.terminated("proxy", 0));
        shutdown.get(20, TimeUnit.SECONDS);
    }

    @Test
    void doesNotWaitForNativeSidecarsWhichTheKubeletStopsAfterProa() throws Exception {
        runningPod("job-4", List.of(), List.of("mesh"));
        MockWebServer mesh = endpoint(new MockResponse.Builder().code(200).build());

        long started = System.nanoTime();
        shutDown("job-4", "-p", mesh.url("/quitquitquit").toString()).get(20, TimeUnit.SECONDS);

        assertNotNull(mesh.takeRequest(1, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "not the 30s grace period");
    }

    @Test
    void aShutdownTimeoutOfZeroStillSendsEveryRequestOnce() throws Exception {
        runningPod("job-7", List.of("proxy"), List.of());
        MockWebServer proxy = endpoint(new MockResponse.Builder().code(200).build());

        shutDown("job-7", "--shutdown-timeout=0", "-p", proxy.url("/quitquitquit").toString()).get(20, TimeUnit.SECONDS);

        assertNotNull(proxy.takeRequest(1, TimeUnit.SECONDS), "sent although the timeout is 0");
    }

    @Test
    void doesNotWaitWhenNothingWasAskedToStop() throws Exception {
        runningPod("job-5", List.of("proxy"), List.of());

        long started = System.nanoTime();
        shutDown("job-5").get(20, TimeUnit.SECONDS);

        assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void stopsWaitingWhenThePodIsDeleted() throws Exception {
        CompletableFuture<Void> shutdown = waitingForTheSidecarsToStop("job-6");
        cluster.delete("job-6");

        shutdown.get(20, TimeUnit.SECONDS);
    }

    @Test
    void stopsWaitingWhenThePodIsDeletedWhileItsWatchIsDown() throws Exception {
        CompletableFuture<Void> shutdown = waitingForTheSidecarsToStop("job-7");
        // Every watch from now on is answered 410 Gone, as when the Pod's resource version is gone from the API
        // server's history: the deletion can reach proa only through the informer's listing again.
        cluster.intercept(r -> r.getPath().contains("watch=true") ? MockCluster.goneWatch() : null);
        cluster.dropWatches();
        int listsBefore = cluster.listRequests();
        cluster.delete("job-7");

        shutdown.get(20, TimeUnit.SECONDS);
        assertTrue(cluster.listRequests() > listsBefore, "learnt of the deletion by listing again");
    }

    /**
     * The shutdown of Pod {@code pod}, its sidecar asked to stop and still running, its watch open. The mock keeps no
     * history: a watch opened after a deletion would never hear of it (a real API server sends the DELETED event since
     * the listed version, or 410 Gone), so the tests delete the Pod once the watch is open; deleting it before made a
     * test time out once in a dozen runs (2026-11-30).
     */
    private CompletableFuture<Void> waitingForTheSidecarsToStop(String pod) throws Exception {
        runningPod(pod, List.of("proxy"), List.of());
        MockWebServer proxy = endpoint(new MockResponse.Builder().code(200).build());
        CompletableFuture<Void> shutdown = shutDown(pod, "-p", proxy.url("/quitquitquit").toString());
        assertNotNull(proxy.takeRequest(10, TimeUnit.SECONDS));
        TestSupport.awaitTrue(() -> cluster.openWatches() >= 1);
        return shutdown;
    }

    private void runningPod(String name, List<String> sidecars, List<String> nativeSidecars) throws Exception {
        cluster.create(TestPods.pod(name, sidecars, nativeSidecars));
        for (String s : sidecars) cluster.setStatus(name, s, x -> TestPods.running(s, true));
        for (String s : nativeSidecars) cluster.setStatus(name, s, x -> TestPods.running(s, true));
    }

    /**
     * The last resort, when the shutdown failed on a defect of proa's (Proa.stop): every request once, answered and
     * logged, then nothing more; and nothing at all once the shutdown itself has asked.
     */
    @Test
    void askOnceSendsEveryRequestOnceWhenTheShutdownFailed() throws Exception {
        MockWebServer post = endpoint(new MockResponse.Builder().code(200).build());
        MockWebServer get = endpoint(new MockResponse.Builder().code(503).build());
        Options options = new Options();
        Options.commandLine(options, Map.of()).parseArgs("-p", post.url("/quit").toString(), "-g",
                get.url("/stop").toString(), "true");
        EventLoop lifecycle = PodWaitTest.lifecycle(log, options);

        lifecycle.askOnce();
        lifecycle.askOnce();

        assertEquals("POST", post.takeRequest(10, TimeUnit.SECONDS).getMethod());
        assertEquals("GET", get.takeRequest(10, TimeUnit.SECONDS).getMethod());
        assertEquals(1, log.count("answered 200"), log.lines::toString);
        assertEquals(1, log.count("answered 503"), log.lines::toString);
        assertEquals(1, post.getRequestCount());
        assertEquals(1, get.getRequestCount());
    }

    @Test
    void askOnceSendsNothingOnceTheShutdownHasAsked() throws Exception {
        MockWebServer post = endpoint(new MockResponse.Builder().code(200).build());
        Options options = new Options();
        Options.commandLine(options, Map.of()).parseArgs("-p", post.url("/quit").toString(), "true");
        EventLoop lifecycle = PodWaitTest.lifecycle(log, options);

        lifecycle.stop(); // no Pod, no probe: done once the request is answered
        lifecycle.askOnce();

        assertEquals(1, post.getRequestCount());
        assertEquals(1, log.count("answered 200"), log.lines::toString);
    }

    private MockWebServer endpoint(MockResponse response) throws Exception {
        MockWebServer server = new MockWebServer();
        server.enqueue(response);
        server.start();
        endpoints.add(server);
        return server;
    }

    /** The shutdown of proa in Pod {@code pod}, once it has seen its sidecars ready, as after COMMAND's exit. */
    private CompletableFuture<Void> shutDown(String pod, String... args) throws Exception {
        Options options = new Options();
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add("true");
        Options.commandLine(options, Map.of()).parseArgs(argv.toArray(String[]::new));
        watch = PodWaitTest.lifecycle(log, options);
        PodWaitTest.follow(watch, proaClient, pod, log);
        EventLoop lifecycle = watch;
        assertTrue(lifecycle.awaitStartup() instanceof dev.proa.lifecycle.Startup.Proceed, log.lines::toString);
        return CompletableFuture.runAsync(() -> {
            try {
                lifecycle.stop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofPlatform().daemon().start(r)); // not the common pool, which a hung shutdown would starve
    }
}
