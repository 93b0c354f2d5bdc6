package dev.proa;

import dev.proa.lifecycle.Shutdown;
import dev.proa.lifecycle.Startup;

import static dev.proa.TestSupport.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import io.fabric8.mockwebserver.http.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/**
 * Each fault, provoked for real against the proa process: what it exits with, what it logs, whether COMMAND ran, and
 * that it ends in time.
 */
class FaultsIT extends EndToEnd {
    /**
     * A startup timeout for the tests that need one to pass: it counts from proa's launch, so it must leave time, even
     * on a loaded machine, for the JVM to start and for the API server's first answer (which each such test awaits,
     * so that a machine too slow for it fails plainly rather than with a message that lacks what it waited for).
     * Measured: 8 s was not enough with a load average of 8 on 2 cores (JVM start and first HTTPS listing took 8.5 s).
     */
    private static final String TIMEOUT = "20s";

    /** Waits until proa has logged {@code text}, which must come before its startup timeout passes. */
    private static void awaitBeforeTheTimeout(ProaRun proa, String text) throws InterruptedException {
        // proa ends by itself at its timeout if the line never comes; the cap is exitStatus()'s, for a proa that hangs
        long cap = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!proa.log().contains(text) && proa.process.isAlive() && System.nanoTime() < cap) Thread.sleep(20);
        assertTrue(proa.log().contains(text), "proa ended before it logged '" + text + "': is the machine too loaded"
                + " for a startup timeout of " + TIMEOUT + " from the launch?\n" + proa.log());
    }

    private static final String FORBIDDEN = "pods \\\"job\\\" is forbidden: User \\\"system:serviceaccount:jobs:runner\\\""
            + " cannot list resource \\\"pods\\\" in API group \\\"\\\" in the namespace \\\"jobs\\\"";


    @Test
    void accessDeniedIsExplainedWithTheRbacThatFixesItAndARoleBindingAppliedLaterWorks() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        AtomicBoolean denied = new AtomicBoolean(true);
        cluster.intercept(r -> denied.get() && r.getPath().startsWith("/api/v1/namespaces/jobs/pods")
                ? MockCluster.status(403, "Forbidden", FORBIDDEN.replace("\\\"", "\"")) : null);
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("touch", "ran"));
        TestSupport.awaitTrue(() -> proa.log().contains("denied proa access"));
        int deniedSoFar = cluster.requests();
        TestSupport.awaitTrue(() -> cluster.requests() >= deniedSoFar + 2); // more denied retries

        denied.set(false); // the RoleBinding is applied

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(Files.exists(dir.resolve("ran")));
        String log = proa.log();
        assertEquals(1, count(log, "denied proa access"), "said once, not once per retry:\n" + log);
        assertTrue(log.contains("# denied: list pods in namespace jobs"), log);
        assertTrue(log.contains("kind: RoleBinding"), log);
        assertTrue(log.contains("verbs: [\"get\", \"list\", \"watch\"]"), log);
        assertTrue(log.contains("    name: runner\n    namespace: jobs"), log);
    }

    @Test
    void accessDeniedUntilTheStartupTimeoutFailsWith125AndSaysWhy() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        cluster.intercept(r -> r.getPath().startsWith("/api/v1/namespaces/jobs/pods")
                ? MockCluster.status(403, "Forbidden", FORBIDDEN.replace("\\\"", "\"")) : null);
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("--startup-timeout=" + TIMEOUT, "touch", "ran"));
        awaitBeforeTheTimeout(proa, "denied proa access");

        assertEquals(125, proa.exitStatus(), proa.log());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 60);
        assertFalse(Files.exists(dir.resolve("ran")));
        assertTrue(proa.log().contains("Startup timeout of " + TIMEOUT + " passed. Not ready: Pod jobs/job to be read from the API"
                + " server (last error: HTTP 403: pods \"job\" is forbidden"), proa.log());
    }

    /**
     * The startup timeout counts from the launch of proa's process, not from when its wait begins (after the JVM and
     * the API client have started). The process here starts 3 s before its JVM does (a shell that sleeps, then execs
     * java in the same process, standing for a slow start): the timeout fires 4 s after the launch, so less than 4 s
     * after proa began watching; counted from the wait, it could not fire before 4 s after that. Neither bound is a
     * race: each has seconds of slack in the direction that matters.
     */
    @Test
    void theStartupTimeoutCountsFromTheLaunchOfTheProcess() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        Instant launched = Instant.now();
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("sh", "-c", "sleep 3 && exec \"$0\" \"$@\""),
                List.of("--startup-timeout=4s", "touch", "ran"));

        // sidecars-not-ready once the Pod was read; proa-failed if the API server had not answered by then (this test
        // leaves proa 1 s after its JVM starts, which a loaded machine may take): the log says which, and so the status.
        int status = proa.exitStatus();
        boolean read = !proa.log().contains("Not ready: Pod jobs/job to be read from the API server");
        assertEquals(read ? 193 : 125, status, proa.log());
        assertFalse(Files.exists(dir.resolve("ran")));
        Instant watching = TestSupport.loggedAt(proa.log(), "Watching Pod job");
        Instant timedOut = TestSupport.loggedAt(proa.log(), "Startup timeout of 4s passed");
        assertTrue(timedOut.isAfter(launched.plusMillis(4000 - 50)), "not before 4s after the launch (with the"
                + " 10 ms granularity of the process's start time):\n" + proa.log());
        assertTrue(timedOut.isBefore(watching.plusSeconds(4)), "4s from the launch, not from the wait:\n" + proa.log());
    }

    @Test
    void serverErrorsAreRetriedAndLoggedOncePerDistinctError() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        AtomicInteger failures = new AtomicInteger(5); // more than fabric8's own retries
        cluster.intercept(r -> r.getPath().startsWith("/api/v1/namespaces/jobs/pods") && failures.getAndDecrement() > 0
                ? MockCluster.status(500, "InternalError", "etcdserver: leader changed") : null);
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("touch", "ran"));

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(Files.exists(dir.resolve("ran")));
        assertEquals(1, count(proa.log(), "Watching the Pod failed: HTTP 500: etcdserver: leader changed"), proa.log());
    }

    @Test
    void anAnswerThatIsNotTheKubernetesApiIsSaidPlainlyOnceAndRetried() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        AtomicBoolean proxy = new AtomicBoolean(true); // a proxy, or a wrong KUBERNETES_SERVICE_HOST, answers instead
        cluster.intercept(r -> proxy.get() ? new MockResponse().setResponseCode(200)
                .setHeader("Content-Type", "text/html; charset=utf-8")
                .setBody("<!DOCTYPE html><html><body><h1>Welcome to nginx!</h1></body></html>") : null);
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("touch", "ran"));
        TestSupport.awaitTrue(() -> proa.log().contains("does not look like the Kubernetes API"));
        int soFar = cluster.requests();
        TestSupport.awaitTrue(() -> cluster.requests() >= soFar + 2); // retried, as for other API failures

        proxy.set(false); // the address is fixed, or the proxy lets the API through

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(Files.exists(dir.resolve("ran")));
        String log = proa.log();
        String port = env("job").get("KUBERNETES_SERVICE_PORT");
        assertEquals(1, count(log, "does not look like the Kubernetes API"), "said once, not once per retry:\n" + log);
        assertTrue(log.contains("https://localhost:" + port + "/api/v1/namespaces/jobs/pods"), log);
        assertTrue(log.contains("answered 200 with text/html"), log);
        assertTrue(log.contains("KUBERNETES_SERVICE_HOST"), log);
        assertTrue(log.contains("proxy"), log);
        assertFalse(log.contains("Exception"), "no Java exception in the operator's words:\n" + log);
        assertFalse(log.contains("will retry"), "fabric8's own retry warnings are not repeated:\n" + log);
    }

    /**
     * API Priority and Fairness answers 429 with Retry-After, in plain text rather than a Status: proa's next request
     * comes no sooner than the server asked (the gaps between requests are as the server set them, whatever the
     * machine's load), and the throttling is said once.
     */
    @Test
    void throttlingIsHonouredAsTheRetryAfterAsksAndSaidOnce() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        List<Long> throttled = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Long> after = new java.util.concurrent.CopyOnWriteArrayList<>();
        cluster.intercept(r -> {
            if (!r.getPath().startsWith("/api/v1/namespaces/jobs/pods")) return null;
            if (throttled.size() < 3) {
                throttled.add(System.nanoTime());
                return new MockResponse().setResponseCode(429).setHeader("Retry-After", "2")
                        .setHeader("Content-Type", "text/plain; charset=utf-8")
                        .setBody("Too many requests, please try again later.\n");
            }
            if (after.isEmpty()) after.add(System.nanoTime());
            return null;
        });
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("touch", "ran"));

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(Files.exists(dir.resolve("ran")));
        List<Long> requests = new java.util.ArrayList<>(throttled);
        requests.addAll(after);
        for (int i = 1; i < requests.size(); i++) {
            Duration gap = Duration.ofNanos(requests.get(i) - requests.get(i - 1));
            assertTrue(gap.toMillis() >= 1_950, "request " + (i + 1) + " came " + gap.toMillis() + " ms after a 429"
                    + " that said Retry-After: 2\n" + proa.log());
        }
        assertEquals(1, count(proa.log(), "throttl"), "said once:\n" + proa.log());
    }

    @Test
    void anApiServerThatRefusesConnectionsIsRetriedAndNamedWhenTheStartupTimesOut() throws Exception {
        Map<String, String> env = env("job");
        ProaRun proa;
        try (TestSupport.RefusingPort nothing = new TestSupport.RefusingPort()) {
            env.put("KUBERNETES_SERVICE_PORT", Integer.toString(nothing.port));
            ProaRun started = ProaRun.start(dir, env, List.of("--startup-timeout=" + TIMEOUT, "touch", "ran"));
            awaitBeforeTheTimeout(started, "Watching the Pod failed");
            assertEquals(125, started.exitStatus(), started.log());
            proa = started;
        }
        assertFalse(Files.exists(dir.resolve("ran")));
        String refused = "https://localhost:" + env.get("KUBERNETES_SERVICE_PORT") + " refuses connections";
        assertEquals(1, count(proa.log(), "Watching the Pod failed: " + refused), proa.log());
        assertTrue(proa.log().contains("to be read from the API server (last error: " + refused), proa.log());
    }

    @Test
    void anApiServerWhoseCertificateIsNotTrustedIsNamedOnceAndFailsAtTheTimeout() throws Exception {
        Map<String, String> env = env("job");
        Path otherCa = dir.resolve("other-ca.crt");
        try (MockCluster other = new MockCluster(true)) { // a CA that did not sign this server's certificate
            Files.copy(Path.of(other.inClusterEnvironment(dir).get("KUBERNETES_CERTS_CA_FILE")), otherCa);
        }
        env.put("KUBERNETES_CERTS_CA_FILE", otherCa.toString());
        ProaRun proa = ProaRun.start(dir, env, List.of("--startup-timeout=" + TIMEOUT, "touch", "ran"));
        awaitBeforeTheTimeout(proa, "Watching the Pod failed");

        assertEquals(125, proa.exitStatus(), proa.log());
        assertFalse(Files.exists(dir.resolve("ran")));
        assertEquals(1, count(proa.log(), "Watching the Pod failed: TLS with the API server failed"), proa.log());
        assertTrue(proa.log().contains("is its certificate signed by the CA proa trusts"), proa.log());
    }

    @Test
    void notInAClusterIsOneClearSentenceAnd125() throws Exception {
        ProaRun proa = ProaRun.start(dir, Map.of("KUBECONFIG", dir.resolve("none").toString()), List.of("touch", "ran"));

        assertEquals(125, proa.exitStatus(), proa.log());
        assertFalse(Files.exists(dir.resolve("ran")));
        assertTrue(proa.log().contains("proa is not running in a Kubernetes Pod and has no kubeconfig"), proa.log());
    }

    @Test
    void aPodThatDoesNotExistIsNamedWithWhereItsNameCameFrom() throws Exception {
        ProaRun proa = ProaRun.start(dir, env("nope"), List.of("touch", "ran"));

        assertEquals(125, proa.exitStatus(), proa.log());
        assertFalse(Files.exists(dir.resolve("ran")));
        assertTrue(proa.log().contains("Pod jobs/nope does not exist (the name from POD_NAME, the namespace from"
                + " POD_NAMESPACE)"), proa.log());
    }

    @Test
    void aStuckSidecarIsWarnedAboutOnceAndNamedWithItsReasonWhenTheStartupTimesOut() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("--startup-timeout=" + TIMEOUT, "touch", "ran"));
        awaitBeforeTheTimeout(proa, "Waiting for the sidecars");
        for (int i = 0; i < 3; i++) { // the kubelet writes the same state again and again
            int restarts = i;
            cluster.setStatus("job", "proxy", s -> TestPods.waiting("proxy", "ImagePullBackOff", "Back-off pulling image proxy:gone")
                    .toBuilder().withRestartCount(restarts).build());
        }

        assertEquals(193, proa.exitStatus(), proa.log()); // sidecars-not-ready: the Pod was read
        assertFalse(Files.exists(dir.resolve("ran")));
        assertEquals(1, count(proa.log(), "Sidecar proxy cannot start: waiting: ImagePullBackOff: Back-off pulling image"
                + " proxy:gone"), proa.log());
        assertTrue(proa.log().contains("Startup timeout of " + TIMEOUT + " passed. Not ready: proxy (waiting:"
                + " ImagePullBackOff"), proa.log());
    }

    @Test
    void onStartupTimeoutContinueRunsCommandAnywayAndSaysWhoWasNotReady() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("--startup-timeout=" + TIMEOUT,
                "--on-startup-timeout=continue", "sh", "-c", "exit 5"));
        awaitBeforeTheTimeout(proa, "Waiting for the sidecars");

        assertEquals(5, proa.exitStatus(), proa.log());
        assertTrue(proa.log().contains("running COMMAND anyway (--on-startup-timeout=continue). Not ready: proxy"), proa.log());
    }

    @Test
    void aSidecarThatDiesWhileCommandRunsIsReported() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("sleep", "4"));
        TestSupport.awaitTrue(() -> proa.log().contains("Started COMMAND"));

        cluster.setStatus("job", "proxy", s -> TestPods.terminated("proxy", 137).toBuilder()
                .editState().editTerminated().withReason("OOMKilled").endTerminated().endState().build());

        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(proa.log().contains("Sidecar proxy exited with code 137 (OOMKilled) while COMMAND runs"), proa.log());
    }

    @Test
    void badInputStartsNothingAndSendsNothing() throws Exception {
        try (MockWebServer sidecar = new MockWebServer()) {
            sidecar.start();
            ProaRun proa = ProaRun.start(dir, env("job"), List.of("-p", sidecar.url("/quitquitquit").toString(),
                    "--startup-timeout=soon", "touch", "ran"));

            assertEquals(2, proa.exitStatus(), proa.log());
            assertTrue(proa.log().contains("'soon'"), proa.log());
            assertEquals(0, sidecar.getRequestCount(), "no shutdown request");
            assertEquals(0, cluster.requests(), "no API request");
            assertFalse(Files.exists(dir.resolve("ran")));
        }
    }

    @Test
    void aShutdownEndpointThatAnswersAnErrorIsLoggedWithItsStatus() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        try (MockWebServer sidecar = new MockWebServer()) {
            sidecar.enqueue(new mockwebserver3.MockResponse.Builder().code(503).build());
            sidecar.start();
            ProaRun proa = ProaRun.start(dir, env("job"), List.of("-p", sidecar.url("/quitquitquit").toString(), "true"));

            assertEquals(0, proa.exitStatus(), proa.log());
            assertEquals(1, sidecar.getRequestCount());
            assertTrue(proa.log().contains("Shutdown request POST " + sidecar.url("/quitquitquit") + " answered 503"), proa.log());
        }
    }

    /**
     * A startup probe still under way when the startup ends (here by SIGTERM) answers a question the shutdown did not
     * ask: the shutdown waits for its own probes, which find the server still answering, until its timeout.
     */
    @Test
    void aStartupProbeAnsweringLateIsNotTakenForTheShutdowns() throws Exception {
        java.util.concurrent.CountDownLatch firstProbe = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger probes = new AtomicInteger();
        try (MockWebServer sidecar = new MockWebServer()) {
            sidecar.setDispatcher(new mockwebserver3.Dispatcher() {
                @Override
                public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                    if (!request.getUrl().encodedPath().equals("/ready")) {
                        return new mockwebserver3.MockResponse.Builder().code(200).build();
                    }
                    firstProbe.countDown();
                    // The first probe (the startup's) answers late, once the shutdown has begun; the others at once.
                    return new mockwebserver3.MockResponse.Builder().code(503).headersDelay(
                            probes.getAndIncrement() == 0 ? 800 : 0, TimeUnit.MILLISECONDS).build();
                }
            });
            sidecar.start();
            ProaRun proa = ProaRun.start(dir, Map.of(), List.of("--wait-http=" + sidecar.url("/ready"),
                    "--shutdown-timeout=3s", "-p", sidecar.url("/quitquitquit").toString(), "touch", "ran"));
            assertTrue(firstProbe.await(60, TimeUnit.SECONDS), proa.log());
            proa.process.destroy(); // SIGTERM: the startup ends while its probe is under way

            assertEquals(128 + 15, proa.exitStatus(), proa.log());
            assertFalse(Files.exists(dir.resolve("ran")));
            assertFalse(proa.log().contains("every sidecar has stopped"), proa.log());
            assertTrue(proa.log().contains("Shutdown timeout of 3s passed"), proa.log());
            assertTrue(proa.log().contains("still running: " + sidecar.url("/ready")), proa.log());
        }
    }
}
