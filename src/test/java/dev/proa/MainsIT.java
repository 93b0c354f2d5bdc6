package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, --main: two real proa processes as the two main containers (main-a, then main-b, in the Pod's spec) of
 * one Pod, with one real sidecar process and a simulated kubelet that reports each container's state, including each
 * main container's termination when its proa exits. Each proa is given the same --main list. Whichever COMMAND exits
 * first, the sidecar is asked to stop once, by main-b's proa, after both COMMANDs have exited, and each proa exits with
 * its own COMMAND's status.
 * <p>
 * Each proa talks to a mock API server of its own, both holding the Pod and both written by the kubelet (one
 * FakeKubelet per server): the mock freezes for up to 30 s when a client vanishes with a watch open, which the first
 * proa to exit does; on a shared mock that would hold back the very update the other proa waits for.
 */
class MainsIT {
    private static final List<String> MAINS = List.of("main-a", "main-b");

    @TempDir Path dir;

    @Test
    void theLastMainContainerWaitsForTheEarlierOneThenStopsTheSidecar() throws Exception {
        try (Pod pod = new Pod(dir)) {
            ProaRun a = pod.proa("main-a", "while [ ! -e release ]; do sleep 0.05; done; sleep 2; date +%s%N > done; exit 3");
            ProaRun b = pod.proa("main-b", "date +%s%N > done; exit 5");
            pod.kubelets(a, b);

            TestSupport.awaitTrue(() -> b.log().contains("Waiting for the other main containers"));
            assertTrue(b.log().contains("before stopping the sidecars: main-a (running)"), b.log());
            assertFalse(Files.exists(pod.quit()), "main-a's COMMAND still runs: nobody may stop the sidecar yet");

            Files.createFile(pod.dir("main-a").resolve("release"));
            assertEquals(3, a.exitStatus(), a.log());
            assertTrue(a.log().contains("Main container main-b (running) comes after this one in Pod jobs/job"
                    + " (container main-a) and still runs"), a.log());
            assertFalse(a.log().contains("Shutdown request"), "main-a's proa sends nothing: " + a.log());

            assertEquals(5, b.exitStatus(), b.log());
            assertTrue(b.log().contains("every other main container has terminated: stopping the sidecars"), b.log());
            pod.assertStoppedOnceAfter(pod.dir("main-a").resolve("done"), b);
        }
    }

    @Test
    void theEarlierMainContainerLeavesTheSidecarToTheLastOne() throws Exception {
        try (Pod pod = new Pod(dir)) {
            ProaRun a = pod.proa("main-a", "date +%s%N > done; exit 4");
            ProaRun b = pod.proa("main-b", "while [ ! -e release ]; do sleep 0.05; done; sleep 2; date +%s%N > done; exit 0");
            pod.kubelets(a, b);

            assertEquals(4, a.exitStatus(), a.log());
            assertTrue(a.log().contains("Main container main-b (running) comes after this one"), a.log());
            assertFalse(a.log().contains("Shutdown request"), "main-a's proa sends nothing: " + a.log());
            assertFalse(Files.exists(pod.quit()), "main-b's COMMAND still runs: the sidecar is not stopped under it");
            assertTrue(pod.sidecar.process().isAlive());

            Files.createFile(pod.dir("main-b").resolve("release"));
            assertEquals(0, b.exitStatus(), b.log());
            assertTrue(b.log().contains("main container") && b.log().contains("has terminated"), b.log());
            pod.assertStoppedOnceAfter(pod.dir("main-a").resolve("done"), b); // and main-b's own COMMAND came first
            assertTrue(Files.getLastModifiedTime(pod.quit()).compareTo(Files.getLastModifiedTime(pod.dir("main-b").resolve("done"))) >= 0);
        }
    }

    /**
     * With --main, the wait for the other main containers and the shutdown share the stop's one deadline: with a main
     * container that never ends and a sidecar that does not stop when asked, the last proa still exits within
     * --shutdown-timeout of its COMMAND's exit (each phase taking the whole timeout, it took twice that).
     */
    @Test
    void theWaitAndTheShutdownTogetherTakeAtMostTheShutdownTimeout() throws Exception {
        try (Pod pod = new Pod(dir, "linkerd-disabled")) { // the sidecar answers 404 and keeps running
            ProaRun a = pod.proa("main-a", "while [ ! -e release ]; do sleep 0.05; done"); // until the Pod closes
            ProaRun b = pod.proa("main-b", "exit 5", "--shutdown-timeout=6s");
            pod.kubelets(a, b);

            assertEquals(5, b.exitStatus(), b.log());
            // By proa's own clock, from COMMAND's exit (where the stop's deadline starts) to the stop's last line: the
            // test's polling and a loaded machine's JVM exit do not count. With two deadlines in a row it was 12 s.
            java.time.Duration took = java.time.Duration.between(TestSupport.loggedAt(b.log(), "COMMAND exited"),
                    TestSupport.loggedAt(b.log(), "Shutdown timeout of 6s passed"));
            assertTrue(took.compareTo(java.time.Duration.ofSeconds(9)) < 0, "the stop took " + took.toMillis()
                    + " ms, past the 6s of --shutdown-timeout: " + b.log());
            assertTrue(b.log().contains("Shutdown timeout of 6s nearly passed while main containers still run"), b.log());
            assertEquals(1, TestSupport.count(b.log(), "Shutdown request POST"), "the sidecar was still asked: " + b.log());
            assertTrue(b.log().contains("Shutdown timeout of 6s passed"), b.log());
        }
    }

    /** The Pod: its sidecar, one mock API server per proa, and one kubelet per server. */
    private static final class Pod implements AutoCloseable {
        final Path dir;
        final FakeKubelet.Sidecar sidecar;
        final Map<String, MockCluster> clusters = new HashMap<>();
        final List<FakeKubelet> kubelets = new java.util.ArrayList<>();
        final List<ProaRun> proas = new java.util.ArrayList<>();

        Pod(Path dir) throws Exception {
            this(dir, "plain");
        }

        /** {@code mode}: how the sidecar behaves (see {@link FakeSidecar}). */
        Pod(Path dir, String mode) throws Exception {
            this.dir = dir;
            this.sidecar = ProaRun.sidecar(dir, "proxy", 300, mode);
            for (String main : MAINS) {
                MockCluster cluster = new MockCluster(true);
                clusters.put(main, cluster);
                cluster.create(TestPods.withMains("job", MAINS, List.of("proxy")));
                Files.createDirectories(dir(main));
            }
        }

        Path dir(String main) {
            return dir.resolve(main);
        }

        Path quit() {
            return dir.resolve("proxy.quit");
        }

        ProaRun proa(String main, String script) throws Exception {
            return proa(main, script, "--shutdown-timeout=60s");
        }

        ProaRun proa(String main, String script, String timeout) throws Exception {
            Map<String, String> env = new HashMap<>(clusters.get(main).inClusterEnvironment(dir(main)));
            env.put("POD_NAME", "job");
            env.put("PROA_MAIN", String.join(",", MAINS));
            return track(ProaRun.start(dir(main), env, List.of("--container=" + main, timeout,
                    "-p", "http://127.0.0.1:" + sidecar.port() + "/quitquitquit", "--", "sh", "-c", script)));
        }

        private ProaRun track(ProaRun proa) {
            proas.add(proa);
            return proa;
        }

        /** The kubelet, writing to each server: the sidecar's readiness, and each main container's end. */
        void kubelets(ProaRun a, ProaRun b) {
            Map<String, FakeKubelet.Sidecar> containers = Map.of("proxy", sidecar,
                    "main-a", new FakeKubelet.Sidecar(a.process, 0), "main-b", new FakeKubelet.Sidecar(b.process, 0));
            clusters.values().forEach(c -> kubelets.add(new FakeKubelet(c, "job", containers)));
        }

        /**
         * The sidecar was asked to stop, by {@code sender}, once, after the other main container's COMMAND wrote
         * {@code otherDone} and exited (both times as the file system tells them, on one clock).
         */
        void assertStoppedOnceAfter(Path otherDone, ProaRun sender) throws Exception {
            assertTrue(sidecar.process().waitFor(10, TimeUnit.SECONDS), "the sidecar was stopped");
            assertEquals("POST /quitquitquit", Files.readString(quit()));
            var done = Files.getLastModifiedTime(otherDone);
            var asked = Files.getLastModifiedTime(quit());
            assertTrue(asked.compareTo(done) > 0, "the sidecar was asked to stop at " + asked
                    + ", before the other main container's COMMAND exited at " + done);
            assertEquals(1, TestSupport.count(sender.log(), "Shutdown request POST"), sender.log());
            assertTrue(sender.log().contains("every sidecar has stopped"), sender.log());
        }

        @Override
        public void close() throws Exception {
            for (String main : MAINS) { // a COMMAND still waiting ends, rather than outlive its proa
                if (!Files.exists(dir(main).resolve("release"))) Files.createFile(dir(main).resolve("release"));
            }
            proas.forEach(p -> p.process.destroyForcibly()); // after a failure; by then, normally, long gone
            for (FakeKubelet kubelet : kubelets) kubelet.close();
            sidecar.process().destroyForcibly();
            clusters.values().forEach(MockCluster::close);
        }
    }
}
