package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * End to end: target/proa.jar as a real process against the mock API server over HTTPS, in-cluster style (service host
 * and port, a CA file, a token file), with real sidecar processes and a simulated kubelet writing the Pod's status.
 */
class ProaIT extends EndToEnd {

    @Test
    void runsCommandOnlyOnceEverySidecarIsReadyThenStopsThemAndPassesTheExitStatus() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy", "db"), List.of()));
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 1000);
        FakeKubelet.Sidecar db = ProaRun.sidecar(dir, "db", 2500);
        try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy, "db", db))) {
            ProaRun proa = ProaRun.start(dir, env("job"), List.of(
                    "--shutdown-http-post=http://127.0.0.1:" + proxy.port() + "/quitquitquit",
                    "-g", "http://127.0.0.1:" + db.port() + "/quitquitquit",
                    "--", "sh", "-c", "date +%s%N > started; echo hello; exit 7"));

            assertEquals(7, proa.exitStatus(), proa.log());

            Instant started = startedAt(dir.resolve("started"));
            assertNotNull(kubelet.lastReadyWritten());
            assertTrue(started.isAfter(kubelet.lastReadyWritten()),
                    "COMMAND started at " + started + ", before the last sidecar was ready at " + kubelet.lastReadyWritten());
            assertEquals("hello\n", proa.output(), "stdout is COMMAND's alone");
            assertTrue(proxy.process().waitFor(10, TimeUnit.SECONDS), "proxy was stopped");
            assertTrue(db.process().waitFor(10, TimeUnit.SECONDS), "db was stopped");
            assertEquals("POST /quitquitquit", Files.readString(dir.resolve("proxy.quit")));
            assertEquals("GET /quitquitquit", Files.readString(dir.resolve("db.quit")));
            assertTrue(proa.log().contains("all sidecars of Pod jobs/job (proxy, db) are ready: running COMMAND"), proa.log());
        } finally {
            proxy.process().destroyForcibly();
            db.process().destroyForcibly();
        }
    }

    /** A shutdown URL is one value, a comma in its query and all (it used to be cut in two there: a usage error). */
    @Test
    void aShutdownUrlWithACommaReachesTheSidecarWhole() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 0);
        try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
            ProaRun proa = ProaRun.start(dir, env("job"), List.of(
                    "-p", "http://127.0.0.1:" + proxy.port() + "/quitquitquit?drain=a,b&wait=1,2", "--", "true"));

            assertEquals(0, proa.exitStatus(), proa.log());
            assertTrue(proxy.process().waitFor(10, TimeUnit.SECONDS), "proxy was stopped");
            assertEquals("POST /quitquitquit?drain=a,b&wait=1,2", Files.readString(dir.resolve("proxy.quit")));
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    @Test
    void aSidecarThatEndsForGoodFailsTheStartupWithoutRunningCommand() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("--", "touch", "ran"));
        TestSupport.awaitTrue(() -> proa.log().contains("Waiting for the sidecars"));
        cluster.setStatus("job", "proxy", s -> TestPods.terminated("proxy", 3));

        assertEquals(193, proa.exitStatus(), proa.log()); // sidecars-not-ready
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
        assertTrue(proa.log().contains("sidecar proxy exited with code 3"), proa.log());
    }


    private static Instant startedAt(Path file) throws Exception {
        long nanos = Long.parseLong(Files.readString(file).strip());
        return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }
}
