package dev.proa.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.TestPods;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Sidecars;
import dev.proa.sidecars.StopPlan;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The shutdown's phases and escalation as decisions: a log shipper (its request bound to it, first phase) and
 * istio-proxy (recognized, a mesh proxy: last phase), one deadline of 30 s cut into shares.
 */
class StopPhasesTest {
    private static final long S = 1_000_000_000L;
    private static final String SHIPPER_ID = "containerd://" + "a".repeat(64);
    private static final String MESH_ID = "containerd://" + "b".repeat(64);
    /** The plan's requests: istio-proxy's recognized one first (index 0, phase 2), then the bound one (1, phase 1). */
    private static final int MESH = 0;
    private static final int SHIPPER = 1;

    private static PodView pod(boolean shared, ContainerStatus shipper, ContainerStatus mesh) {
        Pod pod = TestPods.pod("job", List.of("log-shipper", "istio-proxy"), List.of());
        pod.getSpec().setShareProcessNamespace(shared);
        shipper.setContainerID(SHIPPER_ID);
        mesh.setContainerID(MESH_ID);
        pod.getStatus().setContainerStatuses(List.of(TestPods.running("main", true), shipper, mesh));
        return new PodView(pod, false, null, false);
    }

    private static PodView running(boolean shared) {
        return pod(shared, TestPods.running("log-shipper", true), TestPods.running("istio-proxy", true));
    }

    private static Shutdown.Rules rules(boolean shared) throws Exception {
        Pod pod = running(shared).pod();
        StopPlan.Request bound = new StopPlan.Request("POST", "http://127.0.0.1:2020/flush", null,
                Optional.of("log-shipper"), 0);
        StopPlan plan = StopPlan.of(pod, Sidecars.select(pod, Sidecars.Choice.ALL), new StopPlan.Options(
                List.of("--shutdown-http-post=log-shipper=http://127.0.0.1:2020/flush"), List.of(bound), true));
        assertEquals(2, plan.phases());
        return new Shutdown.Rules(new Sources(true, List.of()), Sidecars.Choice.ALL,
                Deadline.of(Optional.empty(), running(shared), 0), false, plan);
    }

    private static Shutdown.Input answered(int index) {
        return new Shutdown.RequestEnded(index, new RequestRetry.Answered(200, "OK", Duration.ofMillis(3), ""));
    }

    private static List<Integer> sent(Shutdown.Step step) {
        return step.sends().stream().map(Shutdown.Send::index).toList();
    }

    private static List<String> lines(Shutdown.Step step) {
        return step.lines().stream().map(Line::toString).toList();
    }

    @Test
    void theMeshIsAskedOnlyOnceTheFirstPhasesSidecarsHaveTerminated() throws Exception {
        Shutdown.Rules rules = rules(false);
        Shutdown.Step begun = Shutdown.begin(rules, running(false), 0);
        assertEquals(List.of(SHIPPER), sent(begun), "the first phase's request alone");
        assertEquals(15 * S, begun.wakeAt(), "the first phase's share: half of 30 s, as two phases are left");
        assertTrue(lines(begun).contains("INFO Shutdown in 2 phases: first log-shipper; then istio-proxy (each once the"
                + " one before has terminated, or had its share of the shutdown timeout)"), lines(begun).toString());

        Shutdown.Step heard = Shutdown.step(rules, begun.state(), answered(SHIPPER), S);
        assertEquals(List.of(), sent(heard), "answered, but log-shipper still runs");
        Shutdown.Step tick = Shutdown.step(rules, heard.state(), new Shutdown.Tick(), 5 * S);
        assertEquals(List.of(), sent(tick), "its share has not passed");

        PodView shipperDone = pod(false, TestPods.terminated("log-shipper", 0), TestPods.running("istio-proxy", true));
        Shutdown.Step next = Shutdown.step(rules, tick.state(), new Shutdown.PodSeen(shipperDone), 6 * S);
        assertEquals(List.of(MESH), sent(next));
        assertEquals(List.of("INFO Shutdown phase 2 of 2 (istio-proxy) after 6.0s: phase 1's sidecars have terminated"),
                lines(next));
        assertEquals(List.of(), next.escalations());
        assertEquals(30 * S, next.wakeAt(), "the last phase has the rest, to the deadline");
    }

    @Test
    void withWaitForEveryPhasesSidecarIsWatchedAndTheMeshWaitsForTheFirstPhase() throws Exception {
        Shutdown.Rules plain = rules(false);
        // As EventLoop builds them: the run's choice, which holds --wait-for=istio-proxy.
        Shutdown.Rules rules = new Shutdown.Rules(plain.sources(), new Sidecars.Choice(null, null,
                List.of("istio-proxy"), List.of(), List.of()), plain.deadline(), false, plain.plan());
        Shutdown.Step begun = Shutdown.begin(rules, running(false), 0);
        assertEquals(List.of(SHIPPER), sent(begun), "log-shipper, not waited for at the start, still runs");
        Shutdown.Step tick = Shutdown.step(rules, begun.state(), new Shutdown.Tick(), 5 * S);
        assertEquals(List.of(), sent(tick), "its share has not passed");

        PodView shipperDone = pod(false, TestPods.terminated("log-shipper", 0), TestPods.running("istio-proxy", true));
        Shutdown.Step next = Shutdown.step(rules, tick.state(), new Shutdown.PodSeen(shipperDone), 6 * S);
        assertEquals(List.of(MESH), sent(next), "the mesh only once log-shipper has terminated");

        PodView meshDoneFirst = pod(false, TestPods.running("log-shipper", true), TestPods.terminated("istio-proxy", 0));
        Shutdown.Step early = Shutdown.step(rules, begun.state(), new Shutdown.PodSeen(meshDoneFirst), 2 * S);
        assertEquals(Optional.empty(), early.ended(), "not complete while log-shipper runs");
    }

    @Test
    void aRepeatedSignalInTheFirstPhaseSendsTheLaterPhasesRequestsBeforeItEnds() throws Exception {
        Shutdown.Rules rules = rules(false);
        Shutdown.Step begun = Shutdown.begin(rules, running(false), 0);
        Shutdown.Step cut = Shutdown.step(rules, begun.state(), new Shutdown.Skip(), S);

        assertEquals(List.of(MESH), sent(cut), "istio-proxy's request is sent, though its phase never began");
        assertEquals(Optional.of(List.of("log-shipper", "istio-proxy")), cut.ended());
        assertEquals(List.of("WARN Shutdown cut short by a signal after 1.0s; still running: log-shipper, istio-proxy",
                "INFO Shutdown request POST http://127.0.0.1:15020/quitquitquit (phase 2 of 2) sent now, as the shutdown"
                        + " ends before it went out; its answer awaited 1.0s at most"), lines(cut));
    }

    @Test
    void atTheDeadlineARequestNeverSentGoesOutOnce() throws Exception {
        Shutdown.Rules rules = rules(false);
        Shutdown.Step begun = Shutdown.begin(rules, running(false), 0);
        Shutdown.Step late = Shutdown.step(rules, begun.state(), new Shutdown.Tick(), 30 * S); // woken late

        assertEquals(List.of(MESH), sent(late));
        assertEquals(Optional.of(List.of("log-shipper", "istio-proxy")), late.ended());
        assertTrue(lines(late).contains("INFO Shutdown request POST http://127.0.0.1:15020/quitquitquit (phase 2 of 2) sent"
                + " now, as the shutdown ends before it went out; its answer awaited 1.0s at most"), lines(late).toString());
    }

    @Test
    void theMeshIsAskedWhenTheFirstPhasesShareHasPassedThoughItsSidecarsStillRun() throws Exception {
        Shutdown.Rules rules = rules(false);
        Shutdown.Step begun = Shutdown.begin(rules, running(false), 0);
        Shutdown.Step late = Shutdown.step(rules, begun.state(), new Shutdown.Tick(), 15 * S);

        assertEquals(List.of(MESH), sent(late));
        assertEquals(List.of("INFO Shutdown phase 2 of 2 (istio-proxy) after 15.0s: phase 1's share of the shutdown"
                + " timeout passed; still running: log-shipper"), lines(late));
        assertEquals(List.of(), late.escalations(), "the Pod does not share its process namespace");
    }

    @Test
    void aSidecarThatAnsweredAndStillRunsAtItsSharesEndIsSentSigtermOnceWithASharedNamespace() throws Exception {
        Shutdown.Rules rules = rules(true);
        Shutdown.Step begun = Shutdown.begin(rules, running(true), 0);
        assertEquals(15 * S / 2, begun.wakeAt(), "a quarter: two phases, each with a share for a SIGTERM");
        Shutdown.Step heard = Shutdown.step(rules, begun.state(), answered(SHIPPER), S);
        Shutdown.Step end = Shutdown.step(rules, heard.state(), new Shutdown.Tick(), 15 * S / 2);

        assertEquals(List.of(new Shutdown.Escalate("log-shipper", SHIPPER_ID)), end.escalations());
        assertEquals(List.of(), sent(end), "the mesh waits for the SIGTERM to take effect");
        assertEquals(15 * S, end.wakeAt(), "the SIGTERM's share: a third of what is left");
        assertTrue(lines(end).contains("WARN Sidecar log-shipper answered its shutdown request but still runs at the end"
                + " of its share of the shutdown timeout: sending SIGTERM to its processes (the Pod shares its process"
                + " namespace)"), lines(end).toString());

        Shutdown.Step graceOver = Shutdown.step(rules, end.state(), new Shutdown.Tick(), 15 * S);
        assertEquals(List.of(MESH), sent(graceOver));
        assertEquals(List.of("INFO Shutdown phase 2 of 2 (istio-proxy) after 15.0s: the time phase 1's sidecars had"
                + " after SIGTERM passed; still running: log-shipper"), lines(graceOver));
        assertEquals(45 * S / 2, graceOver.wakeAt(), "the last phase's share: half of what is left");

        Shutdown.Step meshHeard = Shutdown.step(rules, graceOver.state(), answered(MESH), 16 * S);
        Shutdown.Step last = Shutdown.step(rules, meshHeard.state(), new Shutdown.Tick(), 45 * S / 2);
        assertEquals(List.of(new Shutdown.Escalate("istio-proxy", MESH_ID)), last.escalations(), "log-shipper not again");
        assertEquals(30 * S, last.wakeAt(), "then the wait goes on to the deadline");
        Shutdown.Step again = Shutdown.step(rules, last.state(), new Shutdown.Tick(), 25 * S);
        assertEquals(List.of(), again.escalations(), "never twice");

        Shutdown.Step over = Shutdown.step(rules, again.state(), new Shutdown.Tick(), 30 * S);
        assertEquals(Optional.of(List.of("log-shipper", "istio-proxy")), over.ended(), "then proa gives up");
        assertEquals(List.of(), over.escalations());
    }

    @Test
    void theNextPhaseBeginsOnceTheSidecarSentSigtermHasTerminated() throws Exception {
        Shutdown.Rules rules = rules(true);
        Shutdown.Step begun = Shutdown.begin(rules, running(true), 0);
        Shutdown.Step heard = Shutdown.step(rules, begun.state(), answered(SHIPPER), S);
        Shutdown.Step end = Shutdown.step(rules, heard.state(), new Shutdown.Tick(), 15 * S / 2);
        assertEquals(List.of(), sent(end));

        PodView shipperDone = pod(true, TestPods.terminated("log-shipper", 143), TestPods.running("istio-proxy", true));
        Shutdown.Step next = Shutdown.step(rules, end.state(), new Shutdown.PodSeen(shipperDone), 9 * S);
        assertEquals(List.of(MESH), sent(next));
        assertTrue(lines(next).contains("INFO Shutdown phase 2 of 2 (istio-proxy) after 9.0s: phase 1's sidecars sent"
                + " SIGTERM have terminated"), lines(next).toString());
        assertEquals(List.of(), next.escalations());
    }

    @Test
    void aSidecarWhoseRequestGotNoAnswerIsNotSentSigterm() throws Exception {
        Shutdown.Rules rules = rules(true);
        Shutdown.Step begun = Shutdown.begin(rules, running(true), 0);
        Shutdown.Step silent = Shutdown.step(rules, begun.state(),
                new Shutdown.RequestEnded(SHIPPER, new RequestRetry.NoAnswer(Duration.ofSeconds(5))), 5 * S);
        Shutdown.Step end = Shutdown.step(rules, silent.state(), new Shutdown.Tick(), 10 * S);

        assertEquals(List.of(), end.escalations(), "nothing says it heard");
        assertEquals(List.of(MESH), sent(end));
    }

    @Test
    void withoutTheContainersIdItIsSaidAndNotSent() throws Exception {
        Shutdown.Rules rules = rules(true);
        PodView noIds = running(true);
        noIds.pod().getStatus().getContainerStatuses().forEach(s -> s.setContainerID(null));
        Shutdown.Step begun = Shutdown.begin(rules, noIds, 0);
        Shutdown.Step heard = Shutdown.step(rules, begun.state(), answered(SHIPPER), S);
        Shutdown.Step end = Shutdown.step(rules, heard.state(), new Shutdown.Tick(), 10 * S);

        assertEquals(List.of(), end.escalations());
        assertTrue(lines(end).contains("WARN Sidecar log-shipper answered its shutdown request but still runs at the end"
                + " of its share of the shutdown timeout, and its status has no containerID to find its processes by:"
                + " not sending SIGTERM"), lines(end).toString());
    }

    @Test
    void aPodThatCanNoLongerBeWatchedSendsEveryPhaseAtOnce() throws Exception {
        Shutdown.Rules rules = rules(false);
        Shutdown.Step begun = Shutdown.begin(rules, running(false), 0);
        Shutdown.Step gone = Shutdown.step(rules, begun.state(), new Shutdown.PodSeen(new PodView(null, true, null, false)), S);
        assertEquals(List.of(MESH), sent(gone), "nothing can tell when the first phase ends");
    }

    @Test
    void sharesCutWhatIsLeft() {
        Deadline deadline = new Deadline(0, 30 * S, Duration.ofSeconds(30));
        assertEquals(10 * S, deadline.share(0, 3));
        assertEquals(20 * S, deadline.share(10 * S, 2));
        assertEquals(30 * S, deadline.share(12 * S, 1));
        assertEquals(31 * S, deadline.share(31 * S, 2), "past the deadline: nothing left");
        assertEquals(Long.MAX_VALUE, new Deadline(0, Long.MAX_VALUE, Duration.ofDays(400)).share(5, 2));
    }
}
