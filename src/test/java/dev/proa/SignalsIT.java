package dev.proa;

import dev.proa.process.Libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

/** Real signals sent to a real proa process, in each phase of its lifecycle. */
class SignalsIT extends EndToEnd {
    private static final int SIGHUP = 1;
    private static final int SIGTERM = 15;
    private static final int SIGUSR1 = 10;
    private static final int SIGUSR2 = 12;
    private static final int SIGALRM = 14;
    private static final int SIGTSTP = 20;
    private static final int SIGWINCH = 28;


    @Test
    void forwardsEachSignalToTheRunningCommandAndExitsWithItsStatus() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        String script = """
                for s in HUP USR1 USR2; do trap "echo $s >> got" $s; done
                trap 'echo TERM >> got; exit 3' TERM
                touch ready
                while :; do sleep 0.05; done""";
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("--", "sh", "-c", script));
        awaitFile(dir.resolve("ready"), proa);

        for (int signal : new int[] {SIGHUP, SIGUSR1, SIGUSR2}) {
            int lines = TestSupport.lines(dir.resolve("got"));
            Libc.kill(proa.process.pid(), signal);
            try {
                TestSupport.awaitTrue(() -> TestSupport.lines(dir.resolve("got")) > lines);
            } catch (AssertionError e) {
                throw new AssertionError("COMMAND did not see signal " + signal + "; proa's log:\n" + proa.log(), e);
            }
        }
        Libc.kill(proa.process.pid(), SIGTERM);

        assertEquals(3, proa.exitStatus(), proa.log());
        assertEquals(List.of("HUP", "USR1", "USR2", "TERM"), Files.readAllLines(dir.resolve("got")));
        assertTrue(proa.log().contains("Forwarded SIGUSR1 to COMMAND"), proa.log());
    }

    @Test
    void signalsReachCommandInTheOrderTheyArrived() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        // A shell that runs each trap as soon as its signal arrives: a loop of builtins, no child to wait for.
        String script = """
                trap 'echo USR1 >> got' USR1
                trap 'echo TERM >> got' TERM
                trap 'exit 0' USR2
                touch ready
                while :; do :; done""";
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("--", "sh", "-c", script));
        awaitFile(dir.resolve("ready"), proa);
        Path got = dir.resolve("got");

        for (int round = 1; round <= 10; round++) {
            for (int i = 0; i < 20; i++) Libc.kill(proa.process.pid(), SIGUSR1);
            Libc.kill(proa.process.pid(), SIGTERM);
            int terms = round;
            TestSupport.awaitTrue(() -> TestSupport.count(TestSupport.read(got), "TERM") == terms);
        }
        Libc.kill(proa.process.pid(), SIGUSR2);

        assertEquals(0, proa.exitStatus(), proa.log());
        // Each burst's SIGTERM came after its SIGUSR1s: none ever reached COMMAND first. (A shell merges a signal that
        // arrives while the same one is pending, so fewer than twenty USR1 lines per round are expected.)
        List<String> lines = Files.readAllLines(got);
        int round = 0;
        boolean usr1InRound = false;
        for (String line : lines) {
            if (line.equals("USR1")) usr1InRound = true;
            if (line.equals("TERM")) {
                round++;
                assertTrue(usr1InRound, "round " + round + ": SIGTERM reached COMMAND before any SIGUSR1: " + lines);
                usr1InRound = false;
            }
        }
        assertEquals(10, round);
    }

    @Test
    void aCommandKilledBySignalNGives128PlusN() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("sh", "-c", "kill -KILL $$"));

        assertEquals(137, proa.exitStatus(), proa.log());
    }

    @Test
    void aSignalBeforeTheCommandStartsSkipsItStopsTheSidecarsAndExits128PlusN() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 3_600_000); // never ready
        try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
            ProaRun proa = ProaRun.start(dir, env("job"), List.of(
                    "-p", "http://127.0.0.1:" + proxy.port() + "/quitquitquit", "--", "touch", "ran"));
            TestSupport.awaitTrue(() -> proa.log().contains("Waiting for the sidecars"));

            Libc.kill(proa.process.pid(), SIGTERM);

            assertEquals(143, proa.exitStatus(), proa.log());
            assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must never start");
            assertTrue(proxy.process().waitFor(10, TimeUnit.SECONDS), "the sidecar was stopped");
            assertEquals("POST /quitquitquit", Files.readString(dir.resolve("proxy.quit")));
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    /**
     * Before COMMAND, a signal that would not end a program (SIGWINCH) or would stop it (SIGTSTP) changes nothing, and
     * the startup goes on; one that would end it, if only SIGALRM, ends the startup. (SIGALRM, SIGTSTP and SIGWINCH
     * were not caught at all before: SIGALRM ended proa at once.)
     */
    @Test
    void beforeTheCommandOnlyASignalThatWouldEndAProgramStopsTheStartup() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("--shutdown-timeout=1s", "--", "touch", "ran"));
        TestSupport.awaitTrue(() -> proa.log().contains("Waiting for the sidecars"));

        Libc.kill(proa.process.pid(), SIGWINCH);
        Libc.kill(proa.process.pid(), SIGTSTP);
        TestSupport.awaitTrue(() -> proa.log().contains("Received SIGTSTP before COMMAND started: ignored"));
        assertTrue(proa.process.isAlive(), proa.log());
        assertFalse(proa.log().contains("will not be started"), proa.log());
        Libc.kill(proa.process.pid(), SIGALRM);

        assertEquals(142, proa.exitStatus(), proa.log());
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must never start");
        assertTrue(proa.log().contains("Received SIGALRM before COMMAND started: COMMAND will not be started"), proa.log());
    }

    /** {@code proa check} changes nothing, so a SIGTERM ends it at once, even while it waits for the API server. */
    @Test
    void aSigtermEndsACheckAtOnce() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout(60_000); // proa must connect: a run that ends before it fails here, not hangs
            Map<String, String> env = new java.util.HashMap<>(cluster.inClusterEnvironment(dir)); // a token, a CA file
            env.putAll(Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT",
                    String.valueOf(silent.getLocalPort()), "POD_NAME", "job"));
            ProaRun proa = ProaRun.start(dir, env, List.of("check"));
            try (java.net.Socket asked = silent.accept()) { // proa check is waiting for an answer that never comes
                long sent = System.nanoTime();
                Libc.kill(proa.process.pid(), SIGTERM);

                assertEquals(143, proa.exitStatus(), proa.log());
                assertTrue(Duration.ofNanos(System.nanoTime() - sent).toSeconds() < 5, "at once, not at a timeout");
            }
        }
    }

    @Test
    void aSecondSigtermDuringTheShutdownStopsTheWaiting() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
        try (MockWebServer stubborn = new MockWebServer()) { // answers, but its sidecar never stops
            stubborn.enqueue(new MockResponse.Builder().code(200).build());
            stubborn.start();
            ProaRun proa = ProaRun.start(dir, env("job"), List.of("--shutdown-timeout=5m",
                    "-p", stubborn.url("/quitquitquit").toString(), "--", "sh", "-c", "exit 4"));
            assertNotNull(stubborn.takeRequest(60, TimeUnit.SECONDS));

            Libc.kill(proa.process.pid(), SIGTERM);
            TestSupport.awaitTrue(() -> proa.log().contains("Received SIGTERM during the shutdown"));
            assertTrue(proa.process.isAlive(), "the first SIGTERM does not cut the shutdown short");
            long sent = System.nanoTime();
            Libc.kill(proa.process.pid(), SIGTERM);

            assertEquals(4, proa.exitStatus(), proa.log());
            assertTrue(Duration.ofNanos(System.nanoTime() - sent).toSeconds() < 30, "not the 5m shutdown timeout");
            assertTrue(proa.log().contains("no longer waiting for the sidecars"), proa.log());
        }
    }


    private static void awaitFile(Path file, ProaRun proa) throws InterruptedException {
        try {
            TestSupport.awaitTrue(() -> Files.exists(file));
        } catch (AssertionError e) {
            throw new AssertionError("no " + file + "; proa's log:\n" + proa.log(), e);
        }
    }
}
