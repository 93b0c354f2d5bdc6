package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerRestartRule;
import io.fabric8.kubernetes.api.model.ContainerRestartRuleOnExitCodes;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two runs of proa in one Pod, as the kubelet makes them when it restarts proa's container in place: the first run's
 * failure leaves the sidecar running (no shutdown request reaches it), the retry waits for it afresh, succeeds and
 * stops the same sidecar. target/proa.jar as a real process, a real sidecar process, the Pod on the mock API server.
 */
class RestartsIT extends EndToEnd {

    @Test
    void underOnFailureAFailedTryLeavesTheSidecarToTheRetryWhichStopsIt() throws Exception {
        Pod pod = TestPods.pod("job", List.of("proxy"), List.of());
        pod.getSpec().setRestartPolicy("OnFailure");
        retriedInThePod(pod, 1, "the Pod's restartPolicy OnFailure restarts it after a non-zero exit status");
    }

    @Test
    void aContainerRestartRuleLeavesTheSidecarToTheRetryWhichStopsIt() throws Exception {
        retriedInThePod(ruledPod(), 42, "its restartPolicyRules[0] (action Restart, exitCodes In [42]) restarts it on exit status 42");
    }

    @Test
    void aStartupThatTimesOutUnderOnFailureLeavesTheSidecarForItsSecondChance() throws Exception {
        Pod pod = TestPods.pod("job", List.of("proxy"), List.of());
        pod.getSpec().setRestartPolicy("OnFailure");
        cluster.create(pod);
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 600_000); // not ready within this test
        try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
            // Counted from proa's launch: time to read the Pod first (and see the sidecar not ready), however loaded.
            List<String> args = new ArrayList<>(List.of("--startup-timeout=10s"));
            args.addAll(args(proxy, "touch ran"));
            ProaRun proa = ProaRun.start(dir, env("job"), args);

            assertEquals(193, proa.exitStatus(), proa.log()); // sidecars-not-ready
            assertFalse(Files.exists(dir.resolve("ran")), "COMMAND did not run");
            assertTrue(proa.log().contains("Exit status 193: the kubelet will restart container main (the Pod's"
                    + " restartPolicy OnFailure restarts it after a non-zero exit status)"), proa.log());
            assertFalse(Files.exists(dir.resolve("proxy.quit")), "no request reached the sidecar");
            assertTrue(proxy.process().isAlive(), "the sidecar runs on for the retry");
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    @Test
    void aRunTheKubeletWillNotRestartStillStopsTheSidecar() throws Exception {
        cluster.create(ruledPod()); // restarted on 42 only: exit status 1 is the end of the container
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 200);
        try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
            ProaRun proa = ProaRun.start(dir, env("job"), args(proxy, "exit 1"));

            assertEquals(1, proa.exitStatus(), proa.log());
            assertTrue(proxy.process().waitFor(10, TimeUnit.SECONDS), "the sidecar was stopped: " + proa.log());
            assertEquals("POST /quitquitquit", Files.readString(dir.resolve("proxy.quit")));
            assertFalse(proa.log().contains("leaves the sidecars running"), proa.log());
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    /**
     * The Pod {@code pod} (proa's container "main", sidecar "proxy"): the first run's COMMAND exits {@code failure},
     * which the kubelet restarts ({@code because}); the second succeeds.
     */
    private void retriedInThePod(Pod pod, int failure, String because) throws Exception {
        cluster.create(pod);
        Path summary = dir.resolve("termination-log");
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 200);
        try {
            try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
                ProaRun first = ProaRun.start(dir, env("job"), args(proxy, "exit " + failure));

                assertEquals(failure, first.exitStatus(), first.log());
                assertTrue(first.log().contains("Exit status " + failure + ": the kubelet will restart container main ("
                        + because + "), so proa leaves the sidecars running"), first.log());
                assertFalse(first.log().contains("Shutdown request") || first.log().contains("Shutdown complete"),
                        "no shutdown at all: " + first.log());
                assertEquals("proa: COMMAND exited with status " + failure, Files.readString(summary));
            }
            assertFalse(Files.exists(dir.resolve("proxy.quit")), "no request reached the sidecar");
            assertTrue(proxy.process().isAlive(), "the sidecar runs on for the retry");

            // The kubelet restarts proa's container in place; the sidecar's readiness is seen anew (here: not yet).
            cluster.setStatus("job", "main", s -> TestPods.terminated("main", failure));
            cluster.setStatus("job", "main", s -> new ContainerStatusBuilder(TestPods.running("main", true))
                    .withRestartCount(1).withNewLastState().withNewTerminated().withExitCode(failure).withReason("Error")
                    .endTerminated().endLastState().build());
            cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", false));
            ProaRun second = ProaRun.start(dir, env("job"), args(proxy, "touch second"));
            TestSupport.awaitTrue(() -> second.log().contains("Waiting for the sidecars of Pod jobs/job to be ready: proxy"));
            assertFalse(Files.exists(dir.resolve("second")), "COMMAND waits for the sidecar again");

            try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
                assertEquals(0, second.exitStatus(), second.log());
            }
            assertTrue(Files.exists(dir.resolve("second")));
            assertTrue(proxy.process().waitFor(10, TimeUnit.SECONDS), "the same sidecar was stopped: " + second.log());
            assertEquals("POST /quitquitquit", Files.readString(dir.resolve("proxy.quit")), "asked once, by the retry");
            assertTrue(second.log().contains("Shutdown complete"), second.log());
            assertEquals("proa: COMMAND exited with status 0", Files.readString(summary));
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    /** Its termination message, Events and the shutdown request: what a run leaves behind for the next. */
    private List<String> args(FakeKubelet.Sidecar proxy, String script) {
        List<String> args = new ArrayList<>(List.of("--events", "--termination-log=" + dir.resolve("termination-log"),
                "--shutdown-http-post=http://127.0.0.1:" + proxy.port() + "/quitquitquit", "--", "sh", "-c", script));
        return args;
    }

    /** restartPolicy Never for the Pod and for proa's container, with the rule: Restart on exit code 42. */
    private static Pod ruledPod() {
        Pod pod = TestPods.pod("job", List.of("proxy"), List.of());
        pod.getSpec().getContainers().getFirst().setRestartPolicy("Never");
        pod.getSpec().getContainers().getFirst().setRestartPolicyRules(List.of(
                new ContainerRestartRule("Restart", new ContainerRestartRuleOnExitCodes("In", List.of(42)))));
        return pod;
    }
}
