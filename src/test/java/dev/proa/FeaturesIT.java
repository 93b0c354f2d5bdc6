package dev.proa;

import dev.proa.process.Libc;
import dev.proa.report.Events;
import dev.proa.sidecars.Sidecars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What proa offers beyond waiting and stopping, each through the real proa process: readiness without the API
 * (no API server running at all), Events, the termination message, the off switch, keeping sidecars after a failure,
 * and JSON logs.
 */
class FeaturesIT {
    private static final int SIGTERM = 15;

    @TempDir Path dir;

    @Test
    void withOnlyWaitHttpAndWaitTcpItNeedsNoApiServerAtAll() throws Exception {
        FakeKubelet.Sidecar db = ProaRun.sidecar(dir, "db", 0);
        FakeKubelet.Sidecar web = ProaRun.sidecar(dir, "web", 1500); // last: its 1.5 s count from about now
        try {
            Instant launched = Instant.now();
            ProaRun proa = ProaRun.start(dir, Map.of(), List.of( // no KUBERNETES_*, no kubeconfig: no API anywhere
                    "--wait-http=http://127.0.0.1:" + web.port() + "/ready", "--wait-tcp=127.0.0.1:" + db.port(),
                    "-p", "http://127.0.0.1:" + web.port() + "/quitquitquit",
                    "-g", "http://127.0.0.1:" + db.port() + "/quitquitquit",
                    "--", "sh", "-c", "date +%s%N > started; exit 6"));

            assertEquals(6, proa.exitStatus(), proa.log());
            long started = Long.parseLong(Files.readString(dir.resolve("started")).strip());
            assertTrue(started > (launched.getEpochSecond() * 1_000_000_000L + launched.getNano()) + 1_400_000_000L,
                    "COMMAND waited for web to answer 200");
            assertTrue(web.process().waitFor(10, TimeUnit.SECONDS) && db.process().waitFor(10, TimeUnit.SECONDS));
            assertTrue(proa.log().contains("every sidecar has stopped"), proa.log());
            assertFalse(proa.log().contains("Kubernetes"), "nothing about the API: " + proa.log());
            assertFalse(proa.log().contains("Exception"), proa.log());
        } finally {
            web.process().destroyForcibly();
            db.process().destroyForcibly();
        }
    }

    @Test
    void eventsOnThePodSayWhatHappened() throws Exception {
        try (MockCluster cluster = new MockCluster(true); TestSupport.RefusingPort nothing = new TestSupport.RefusingPort()) {
            cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
            cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
            ProaRun proa = ProaRun.start(dir, env(cluster, "job"), List.of("--events", "--shutdown-timeout=1s",
                    "-p", "http://127.0.0.1:" + nothing.port + "/quitquitquit", "--", "sh", "-c", "exit 4"));

            assertEquals(4, proa.exitStatus(), proa.log());
            List<Event> events = cluster.client.v1().events().inNamespace(MockCluster.NAMESPACE).list().getItems();
            Map<String, String> byReason = new HashMap<>();
            events.forEach(e -> byReason.put(e.getReason(), e.getType() + ": " + e.getMessage()));
            assertTrue(byReason.get("SidecarsReady").startsWith("Normal: Sidecars ready after"), byReason::toString);
            assertEquals("Normal: COMMAND exited with status 4", byReason.get("CommandExited"));
            assertEquals("Warning: Still running after the shutdown: proxy", byReason.get("ShutdownIncomplete"));
            Event any = events.getFirst();
            assertEquals("Pod", any.getInvolvedObject().getKind());
            assertEquals("job", any.getInvolvedObject().getName());
            assertNotNull(any.getInvolvedObject().getUid(), "kubectl describe pod matches Events by the Pod's uid");
        }
    }

    @Test
    void aDeniedEventIsLoggedOnceAndNeverFailsTheRun() throws Exception {
        try (MockCluster cluster = new MockCluster(true)) {
            cluster.create(TestPods.pod("job", List.of(), List.of()));
            cluster.intercept(r -> r.getPath().contains("/events") ? MockCluster.status(403, "Forbidden",
                    "events is forbidden: User \"system:serviceaccount:jobs:default\" cannot create resource \"events\"") : null);
            ProaRun proa = ProaRun.start(dir, env(cluster, "job"), List.of("--events", "sh", "-c", "exit 0"));

            assertEquals(0, proa.exitStatus(), proa.log());
            assertEquals(1, TestSupport.count(proa.log(), "Could not record Event"), proa.log());
            assertTrue(proa.log().contains("--events needs create on events"), proa.log());
        }
    }

    @Test
    void theTerminationMessageSaysWhyTheRunEnded() throws Exception {
        try (MockCluster cluster = new MockCluster(true)) {
            cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
            cluster.setStatus("job", "proxy", s -> TestPods.terminated("proxy", 1));
            Path message = dir.resolve("termination-log");
            ProaRun proa = ProaRun.start(dir, env(cluster, "job"), List.of("--termination-log=" + message, "true"));

            assertEquals(193, proa.exitStatus(), proa.log()); // sidecars-not-ready
            assertEquals("proa: startup failed (exit 193): sidecar proxy exited with code 1 (Error) and will not be"
                    + " restarted (restartPolicy Never)", Files.readString(message));

            cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
            ProaRun missing = ProaRun.start(dir, env(cluster, "job"), List.of("--termination-log=" + message, "no-such-cmd"));
            assertEquals(127, missing.exitStatus(), missing.log());
            assertEquals("proa: could not start COMMAND: No such file or directory (exit 127)", Files.readString(message));
        }
    }

    @Test
    void disabledRunsCommandDirectlyStillForwardingSignals() throws Exception {
        ProaRun proa = ProaRun.start(dir, Map.of("PROA_DISABLED", "true"), List.of("sh", "-c",
                "trap 'exit 3' TERM; touch ready; while :; do sleep 0.05; done"));
        TestSupport.awaitTrue(() -> Files.exists(dir.resolve("ready")));

        Libc.kill(proa.process.pid(), SIGTERM);

        assertEquals(3, proa.exitStatus(), proa.log());
        assertTrue(proa.log().contains("proa is disabled"), proa.log());
        assertTrue(proa.log().contains("Forwarded SIGTERM to COMMAND"), proa.log());
    }

    @Test
    void noShutdownOnFailureLeavesTheSidecarsRunning() throws Exception {
        try (MockCluster cluster = new MockCluster(true); MockWebServer sidecar = new MockWebServer()) {
            cluster.create(TestPods.pod("job", List.of(), List.of()));
            sidecar.enqueue(new MockResponse.Builder().code(200).build());
            sidecar.start();
            List<String> args = List.of("--no-shutdown-on-failure", "-p", sidecar.url("/quitquitquit").toString());

            ProaRun failed = ProaRun.start(dir, env(cluster, "job"), concat(args, "sh", "-c", "exit 1"));
            assertEquals(1, failed.exitStatus(), failed.log());
            assertEquals(0, sidecar.getRequestCount(), "the sidecars stay for the restarted container");

            ProaRun succeeded = ProaRun.start(dir, env(cluster, "job"), concat(args, "true"));
            assertEquals(0, succeeded.exitStatus(), succeeded.log());
            assertEquals(1, sidecar.getRequestCount(), "after success they are stopped as usual");
        }
    }

    @Test
    void jsonLogsAreOneObjectPerLineWithFields() throws Exception {
        try (MockCluster cluster = new MockCluster(true)) {
            cluster.create(TestPods.pod("job", List.of(), List.of()));
            ProaRun proa = ProaRun.start(dir, env(cluster, "job"), List.of("--log-format=json", "sh", "-c", "exit 2"));

            assertEquals(2, proa.exitStatus(), proa.log());
            ObjectMapper json = new ObjectMapper();
            List<JsonNode> lines = proa.log().lines().map(l -> {
                try {
                    return json.readTree(l);
                } catch (Exception e) {
                    throw new AssertionError("not a JSON line: " + l, e);
                }
            }).toList();
            assertFalse(lines.isEmpty());
            for (JsonNode line : lines) {
                assertTrue(line.hasNonNull("time") && line.hasNonNull("level") && line.hasNonNull("message"), line::toString);
            }
            JsonNode exited = lines.stream().filter(l -> l.get("message").asText().startsWith("COMMAND exited")).findFirst()
                    .orElseThrow();
            assertEquals(2, exited.get("status").asInt());
            assertEquals("INFO", exited.get("level").asText());
        }
    }

    private Map<String, String> env(MockCluster cluster, String pod) throws Exception {
        Map<String, String> env = new HashMap<>(cluster.inClusterEnvironment(dir));
        env.put("POD_NAME", pod);
        return env;
    }

    private static List<String> concat(List<String> first, String... rest) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(List.of(rest));
        return all;
    }
}
