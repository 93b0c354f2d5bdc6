package dev.proa.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.TestPods;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import dev.proa.sidecars.Sidecars;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shutdown as decisions: (state, what happened, the time) → (next state, what to do, what to log, the end). */
class ShutdownStepTest {
    private static final long S = 1_000_000_000L;
    private static final Sources POD = new Sources(true, List.of());

    private static final StopPlan.Request REQUEST = new StopPlan.Request("POST", "http://127.0.0.1:1/quit", null);

    /** A plan of {@code requests} requests, as options give them (no Pod). */
    private static StopPlan requests(int requests) {
        return StopPlan.withoutPod(new StopPlan.Options(List.of("-p"), Collections.nCopies(requests, REQUEST), true));
    }

    private static Shutdown.Rules settings(Sources sources, Optional<Duration> timeout, int requests, boolean kills) {
        return new Shutdown.Rules(sources, Sidecars.Choice.ALL, Deadline.of(timeout, RUNNING, 0), kills,
                requests(requests));
    }

    private static final Shutdown.Input ANSWERED =
            new Shutdown.RequestEnded(0, new RequestRetry.Answered(200, "OK", Duration.ofMillis(5), ""));
    private static final Shutdown.Input REFUSED = new Shutdown.RequestEnded(0, new RequestRetry.Refused("Connection refused"));

    private static PodView pod(ContainerStatus proxy, ContainerStatus mesh) {
        Pod pod = TestPods.pod("job", List.of("proxy"), List.of("mesh"));
        pod.getStatus().setContainerStatuses(List.of(TestPods.running("main", true), proxy));
        pod.getStatus().setInitContainerStatuses(List.of(mesh));
        return new PodView(pod, false, null, false);
    }

    private static final PodView RUNNING = pod(TestPods.running("proxy", true), TestPods.running("mesh", true));
    private static final PodView PROXY_STOPPED = pod(TestPods.terminated("proxy", 0), TestPods.running("mesh", true));

    private static List<String> lines(Shutdown.Step step) {
        return step.lines().stream().map(Line::toString).toList();
    }

    @Test
    void nothingAskedMeansNothingToWaitFor() {
        Shutdown.Step step = Shutdown.begin(settings(POD, Optional.empty(), 0, false), RUNNING, 0);

        assertEquals(Optional.of(List.of()), step.ended());
        assertEquals(List.of("INFO Shutdown: nothing to ask the sidecars (no --shutdown-http-get, --shutdown-http-post"
                + " or --kill, and no sidecar proa recognizes and can stop); not waiting for them"), lines(step));
    }

    @Test
    void waitsForTheRequestsAndTheRegularSidecarsNotTheNativeOnes() {
        Shutdown.Rules settings = settings(POD, Optional.empty(), 1, false);
        Shutdown.Step begun = Shutdown.begin(settings, RUNNING, 0);
        assertEquals(Optional.empty(), begun.ended());
        assertEquals(30 * S, begun.wakeAt(), "the Pod's grace period");

        Shutdown.Step answered = Shutdown.step(settings, begun.state(), ANSWERED, S / 10);
        assertEquals(Optional.empty(), answered.ended(), "proxy still runs");
        assertFalse(answered.state().sidecarsStopped(settings));

        Shutdown.Step stopped = Shutdown.step(settings, answered.state(), new Shutdown.PodSeen(PROXY_STOPPED), S);
        assertEquals(Optional.of(List.of()), stopped.ended());
        assertEquals(List.of("INFO Shutdown complete after 1.0s: every sidecar has stopped"), lines(stopped));
    }

    @Test
    void theTimeoutEndsItNamingWhatStillRuns() {
        Shutdown.Rules settings = settings(POD, Optional.of(Duration.ofSeconds(2)), 0, true);
        Shutdown.Step begun = Shutdown.begin(settings, RUNNING, 0);
        Shutdown.Step late = Shutdown.step(settings, begun.state(), new Shutdown.Tick(), 2 * S);

        assertEquals(Optional.of(List.of("proxy")), late.ended());
        assertEquals(List.of("WARN Shutdown timeout of 2s passed after 2.0s; still running: proxy"), lines(late));
    }

    private static Shutdown.Rules planned(Optional<Duration> timeout, int requests, boolean kills) throws Exception {
        Pod pod = RUNNING.pod();
        StopPlan plan = StopPlan.of(pod, Sidecars.select(pod, Sidecars.Choice.ALL),
                new StopPlan.Options(List.of(), List.of(), true));
        return new Shutdown.Rules(POD, Sidecars.Choice.ALL, Deadline.of(timeout, RUNNING, 0), kills, plan);
    }

    @Test
    void aRegularSidecarExitingNonZeroDuringTheShutdownIsSaidOnceWithItsFix() throws Exception {
        Shutdown.Rules settings = planned(Optional.empty(), 0, true);
        Shutdown.Step begun = Shutdown.begin(settings, RUNNING, 0);
        PodView failed = pod(TestPods.terminated("proxy", 143), TestPods.running("mesh", true));

        Shutdown.Step ended = Shutdown.step(settings, begun.state(), new Shutdown.PodSeen(failed), S);
        Shutdown.Step again = Shutdown.step(settings, ended.state(), new Shutdown.PodSeen(failed), S);

        String why = "Sidecar proxy exited with code 143 (Error) during the shutdown: the Pod will be marked Failed even"
                + " though COMMAND's status is what proa exits with. Fix: make it exit 0 when it is asked to stop, or run"
                + " it as a native sidecar (an init container with restartPolicy: Always), whose exit code does not"
                + " decide the Pod's phase";
        assertEquals(List.of("WARN " + why, "INFO Shutdown complete after 1.0s: every sidecar has stopped"), lines(ended));
        assertEquals(List.of(why), ended.state().failed());
        assertEquals(List.of(why), again.state().failed(), "said once");
        Shutdown.Step clean = Shutdown.step(settings, begun.state(), new Shutdown.PodSeen(PROXY_STOPPED), S);
        assertEquals(List.of(), clean.state().failed(), "exit 0 fails nothing");
    }

    @Test
    void theTimeoutNamesWhyEachSidecarStillRunsAndTheFix() throws Exception {
        Shutdown.Rules settings = planned(Optional.of(Duration.ofSeconds(2)), 0, true);
        Shutdown.Step late = Shutdown.step(settings, Shutdown.begin(settings, RUNNING, 0).state(), new Shutdown.Tick(), 2 * S);

        assertEquals(List.of("WARN Shutdown timeout of 2s passed after 2.0s; still running: proxy",
                "WARN Sidecar proxy is still running at the shutdown timeout: nothing asked it to stop. Fix: "
                        + StopWords.GENERAL_FIX), lines(late));
    }

    @Test
    void aTimeoutBelowOneSecondIsOneSecondSoEveryRequestIsSent() {
        Shutdown.Step begun = Shutdown.begin(settings(POD, Optional.of(Duration.ZERO), 1, false), RUNNING, 0);

        assertEquals(S, begun.wakeAt());
        assertEquals(List.of(new Shutdown.Send(0, RequestRetry.State.of(REQUEST), Duration.ofSeconds(1))), begun.sends());
    }

    @Test
    void everyRequestIsSentAtOnceThenTheSignals() {
        Shutdown.Step begun = Shutdown.begin(settings(POD, Optional.empty(), 2, true), RUNNING, 0);

        assertEquals(List.of(0, 1), begun.sends().stream().map(Shutdown.Send::index).toList());
        assertEquals(RequestRetry.PER_REQUEST_TIMEOUT, begun.sends().getFirst().timeout());
        assertTrue(begun.kill());
        Shutdown.Step next = Shutdown.step(settings(POD, Optional.empty(), 2, true), begun.state(), new Shutdown.Tick(), S);
        assertEquals(List.of(), next.sends(), "each request is sent once, unless refused");
        assertFalse(next.kill(), "the signals are sent once");
    }

    @Test
    void aRefusedRequestIsRetriedWithinTheStepUntilTheSidecarsStop() {
        Shutdown.Rules settings = settings(POD, Optional.empty(), 1, false);
        Shutdown.Step begun = Shutdown.begin(settings, RUNNING, 0);

        Shutdown.Step refused = Shutdown.step(settings, begun.state(), REFUSED, S / 10);
        assertEquals(List.of(), refused.sends());
        assertEquals(S / 10 + RequestRetry.FIRST_RETRY.toNanos(), refused.wakeAt(), "wakes to retry");
        assertTrue(lines(refused).getFirst().startsWith("WARN Shutdown request POST http://127.0.0.1:1/quit was refused"));

        Shutdown.Step early = Shutdown.step(settings, refused.state(), new Shutdown.Tick(), S / 10 + 1);
        assertEquals(List.of(), early.sends(), "not before its time");
        Shutdown.Step due = Shutdown.step(settings, early.state(), new Shutdown.Tick(), S / 5);
        assertEquals(List.of(0), due.sends().stream().map(Shutdown.Send::index).toList());
        assertTrue(due.sends().getFirst().request().refusedBefore());

        Shutdown.Step again = Shutdown.step(settings, due.state(), REFUSED, S / 4);
        assertEquals(S / 4 + 2 * RequestRetry.FIRST_RETRY.toNanos(), again.wakeAt(), "the delay doubles");
        assertEquals(List.of(), lines(again), "a refusal is said once");

        Shutdown.Step stopped = Shutdown.step(settings, again.state(), new Shutdown.PodSeen(PROXY_STOPPED), S / 3);
        assertEquals(List.of(0), stopped.sends().stream().map(Shutdown.Send::index).toList(),
                "the sidecars stopped: the waiting retry goes out at once, its last");
        Shutdown.Step last = Shutdown.step(settings, stopped.state(), REFUSED, S / 2);
        assertEquals(Optional.of(List.of()), last.ended());
        assertEquals(List.of("INFO Shutdown request POST http://127.0.0.1:1/quit was refused, and no sidecar is left to"
                + " wait for: not retrying", "INFO Shutdown complete after 500ms: every sidecar has stopped"), lines(last));
    }

    @Test
    void aRetryDueAfterTheDeadlineGivesUp() {
        Shutdown.Rules settings = settings(POD, Optional.of(Duration.ofSeconds(2)), 1, false);
        Shutdown.Step refused = Shutdown.step(settings, Shutdown.begin(settings, RUNNING, 0).state(), REFUSED, S);
        Shutdown.Step late = Shutdown.step(settings, refused.state(), new Shutdown.Tick(), 2 * S);

        assertEquals(List.of(), late.sends());
        assertEquals(List.of("WARN Shutdown request POST http://127.0.0.1:1/quit gave up: the shutdown timeout passed"
                + " while its connection was refused", "WARN Shutdown timeout of 2s passed after 2.0s; still running:"
                + " proxy"), lines(late));
    }

    @Test
    void anAnswerForNoRequestSentIsIgnored() {
        Shutdown.Rules settings = settings(POD, Optional.empty(), 1, false);
        Shutdown.Step answered = Shutdown.step(settings, Shutdown.begin(settings, RUNNING, 0).state(), ANSWERED, S);
        Shutdown.Step twice = Shutdown.step(settings, answered.state(), ANSWERED, S);

        assertEquals(List.of(), lines(twice));
        assertEquals(Shutdown.Progress.DONE, twice.state().requests().getFirst().progress());
    }

    @Test
    void aRepeatedStopSignalCutsItShort() {
        Shutdown.Rules settings = settings(POD, Optional.empty(), 1, false);
        Shutdown.Step cut = Shutdown.step(settings, Shutdown.begin(settings, RUNNING, 0).state(), new Shutdown.Skip(), S);

        assertEquals(Optional.of(List.of("proxy")), cut.ended());
        assertEquals(List.of("WARN Shutdown cut short by a signal after 1.0s; still running: proxy"), lines(cut));
    }

    @Test
    void aPodThatCannotBeWatchedIsNotWaitedFor() {
        Shutdown.Rules settings = settings(POD, Optional.empty(), 1, false);
        Shutdown.Step denied = Shutdown.begin(settings, new PodView(RUNNING.pod(), false, "HTTP 403: forbidden", true), 0);
        assertEquals(List.of("WARN Shutdown: the Pod cannot be watched, so proa does not wait for the sidecars to stop"),
                lines(denied));
        assertTrue(denied.state().sidecarsStopped(settings));

        Shutdown.Step begun = Shutdown.begin(settings, RUNNING, 0);
        Shutdown.Step deleted = Shutdown.step(settings, begun.state(), new Shutdown.PodSeen(
                new PodView(RUNNING.pod(), true, null, false)), S);
        assertEquals(List.of("WARN Shutdown: the Pod can no longer be watched (it was deleted); not waiting for the"
                + " sidecars"), lines(deleted));
        Shutdown.Step done = Shutdown.step(settings, deleted.state(), ANSWERED, S);
        assertEquals(Optional.of(List.of()), done.ended());
    }

    @Test
    void withTargetsOnlyProbesUntilNothingAnswers() {
        Shutdown.Rules settings = settings(new Sources(false, List.of("tcp://127.0.0.1:5432")), Optional.empty(), 0, true);
        Shutdown.Step begun = Shutdown.begin(settings, PodView.UNSEEN, 0);
        assertTrue(begun.probe());

        Shutdown.Step answering = Shutdown.step(settings, begun.state(),
                new Shutdown.Probed(List.of("tcp://127.0.0.1:5432"), List.of("tcp://127.0.0.1:5432")), S / 10);
        assertEquals(Optional.empty(), answering.ended());
        assertEquals(S / 10 + Startup.PROBE_INTERVAL.toNanos(), answering.wakeAt());

        Shutdown.Step silent = Shutdown.step(settings, answering.state(), new Shutdown.Probed(List.of("tcp://127.0.0.1:5432"),
                List.of()), S);
        assertEquals(Optional.of(List.of()), silent.ended());
        assertEquals(List.of("INFO Shutdown complete after 1.0s: every sidecar has stopped"), lines(silent));
    }

    @Test
    void aProbeOfSomeTargetsLeavesTheOthersAsTheyWere() {
        String web = "http://127.0.0.1:8080/ready";
        String db = "tcp://127.0.0.1:5432";
        Shutdown.Rules settings = settings(new Sources(false, List.of(web, db)), Optional.empty(), 0, true);
        Shutdown.Step begun = Shutdown.begin(settings, PodView.UNSEEN, 0);

        Shutdown.Step webSilent = Shutdown.step(settings, begun.state(), new Shutdown.Probed(List.of(web), List.of()),
                S / 10);
        assertEquals(Optional.empty(), webSilent.ended(), "db was not probed: it still answers as far as proa knows");
        assertEquals(List.of(db), webSilent.state().answering());

        Shutdown.Step failed = Shutdown.step(settings, webSilent.state(), new Shutdown.Probed(List.of(), List.of()), S);
        assertEquals(Optional.empty(), failed.ended(), "a probe that failed says nothing");
        assertEquals(List.of(db), failed.state().answering());

        Shutdown.Step allSilent = Shutdown.step(settings, failed.state(), new Shutdown.Probed(List.of(web, db),
                List.of()), 2 * S);
        assertEquals(Optional.of(List.of()), allSilent.ended());
    }
}
