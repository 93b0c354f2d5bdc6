package dev.proa.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.TestPods;
import dev.proa.config.Durations;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Sidecars;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The wait for the other main containers as decisions: (state, what happened, the time) → (whose turn, what to log,
 * when to look again). Main containers a and b, in that order, and a sidecar; every proa is given --main=a,b.
 */
class MainsWaitTest {
    private static final long S = 1_000_000_000L;
    private static final List<String> MAINS = List.of("a", "b");
    private static final Deadline THIRTY_SECONDS = Deadline.of(Optional.empty(), PodView.UNSEEN, 0);

    private static MainsWait.Rules settings(String own) {
        return new MainsWait.Rules(new Sidecars.Choice(own, null, List.of(), List.of(), MAINS), THIRTY_SECONDS,
                true);
    }

    private static PodView pod(ContainerStatus a, ContainerStatus b) {
        Pod pod = TestPods.withMains("job", MAINS, List.of("proxy"));
        pod.getStatus().setContainerStatuses(List.of(a, b, TestPods.running("proxy", true)));
        return new PodView(pod, false, null, false);
    }

    private static final ContainerStatus A_RUNS = TestPods.running("a", true);
    private static final ContainerStatus A_DONE = TestPods.terminated("a", 0);
    private static final ContainerStatus B_RUNS = TestPods.running("b", true);

    private static List<String> lines(MainsWait.Step step) {
        return step.lines().stream().map(Line::toString).toList();
    }

    @Test
    void withoutMainsItIsAlwaysThisProasTurnSilently() {
        MainsWait.Rules none = new MainsWait.Rules(Sidecars.Choice.ALL, THIRTY_SECONDS, true);
        MainsWait.Step step = MainsWait.begin(none, PodView.UNSEEN, 0);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), step.decided());
        assertEquals(List.of(), lines(step));
    }

    @Test
    void withNothingToAskTheSidecarsThereIsNothingToWaitFor() {
        MainsWait.Rules nothing = new MainsWait.Rules(settings("b").choice(), THIRTY_SECONDS, false);
        MainsWait.Step step = MainsWait.begin(nothing, pod(A_RUNS, B_RUNS), 0);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), step.decided());
        assertEquals(List.of(), lines(step));
    }

    @Test
    void aMainContainerAfterThisOneStillRunningStopsThem() {
        MainsWait.Step step = MainsWait.begin(settings("a"), pod(A_RUNS, B_RUNS), 0);
        assertEquals(Optional.of(MainsWait.Decision.LEAVE_THEM), step.decided());
        assertEquals(List.of("INFO Main container b (running) comes after this one in Pod jobs/job (container a) and"
                + " still runs: its proa stops the sidecars once it is the last. Not stopping them"), lines(step));
    }

    @Test
    void theLastWaitsForTheOthersThenStopsThem() {
        MainsWait.Step begun = MainsWait.begin(settings("b"), pod(A_RUNS, B_RUNS), 0);
        assertEquals(Optional.empty(), begun.decided());
        assertEquals(List.of("INFO Waiting for the other main containers of Pod jobs/job (container b) to terminate"
                + " before stopping the sidecars: a (running); at most 25.0s, leaving 5.0s of the shutdown timeout of 30s to stop the sidecars"), lines(begun));
        assertEquals(10 * S, begun.wakeAt(), "the next progress line");

        MainsWait.Step ended = MainsWait.step(settings("b"), begun.state(), new MainsWait.PodSeen(pod(A_DONE, B_RUNS)), 3 * S);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), ended.decided());
        assertEquals(List.of("INFO After 3.0s, every other main container has terminated: stopping the sidecars"), lines(ended));
    }

    @Test
    void theLastFindingTheOthersTerminatedStopsThemAtOnce() {
        MainsWait.Step step = MainsWait.begin(settings("b"), pod(A_DONE, B_RUNS), 0);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), step.decided());
        assertEquals(List.of("INFO Every other main container (a) has terminated: Pod jobs/job (container b) is"
                + " done; stopping the sidecars"), lines(step));
    }

    @Test
    void aListOfOnlyItsOwnContainerIsAsNoList() {
        MainsWait.Rules own = new MainsWait.Rules(new Sidecars.Choice("b", null, List.of(), List.of(), List.of("b")),
                THIRTY_SECONDS, true);
        MainsWait.Step step = MainsWait.begin(own, pod(A_RUNS, B_RUNS), 0);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), step.decided());
        assertEquals(List.of(), lines(step));
    }

    @Test
    void aMainContainerRestartingInPlaceIsWaitedFor() {
        PodView restarting = pod(TestPods.terminated("a", 1), B_RUNS);
        restarting.pod().getSpec().setRestartPolicy("OnFailure");
        MainsWait.Step step = MainsWait.begin(settings("b"), restarting, 0);
        assertEquals(Optional.empty(), step.decided());
        assertEquals(List.of("INFO Waiting for the other main containers of Pod jobs/job (container b) to terminate"
                + " before stopping the sidecars: a (exited with code 1 (Error), will be restarted (restartPolicy"
                + " OnFailure)); at most 25.0s, leaving 5.0s of the shutdown timeout of 30s to stop the sidecars"), lines(step));
    }

    @Test
    void saysWhatItStillWaitsForThenStopsThemAtTheShutdownTimeout() {
        MainsWait.Step begun = MainsWait.begin(settings("b"), pod(A_RUNS, B_RUNS), 0);
        MainsWait.Step quiet = MainsWait.step(settings("b"), begun.state(), new MainsWait.PodSeen(pod(A_RUNS, B_RUNS)), 5 * S);
        assertEquals(List.of(), lines(quiet), "nothing changed");

        MainsWait.Step progress = MainsWait.step(settings("b"), quiet.state(), new MainsWait.Tick(), 10 * S);
        assertEquals(Optional.empty(), progress.decided());
        assertEquals(List.of("INFO Still waiting after 10.0s for main containers a (running); the sidecars are"
                + " stopped in 15.0s at the latest"), lines(progress));
        assertEquals(20 * S, progress.wakeAt());

        MainsWait.Step notYet = MainsWait.step(settings("b"), progress.state(), new MainsWait.Tick(), 25 * S - 1);
        assertEquals(Optional.empty(), notYet.decided());
        assertEquals(25 * S, notYet.wakeAt(), "the wait ends early enough to leave the shutdown its time");
        MainsWait.Step timedOut = MainsWait.step(settings("b"), notYet.state(), new MainsWait.Tick(), 25 * S);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), timedOut.decided());
        assertEquals(List.of("WARN Shutdown timeout of 30s nearly passed while main containers still run: a (running)."
                + " Stopping the sidecars under them now, in the 5.0s left, so that the Pod ends (--shutdown-timeout"
                + " sets how long to wait)"), lines(timedOut));
    }

    @Test
    void aRepeatedStopSignalEndsTheWait() {
        MainsWait.Step begun = MainsWait.begin(settings("b"), pod(A_RUNS, B_RUNS), 0);
        MainsWait.Step skipped = MainsWait.step(settings("b"), begun.state(), new MainsWait.Skip(), S);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), skipped.decided());
        assertEquals(List.of("WARN Received a second SIGTERM or SIGINT: no longer waiting for main containers"
                + " a (running); stopping the sidecars now"), lines(skipped));
    }

    @Test
    void aPodThatCannotBeSeenIsStoppedAsWithoutMain() {
        PodView gone = new PodView(pod(A_RUNS, B_RUNS).pod(), true, null, false);
        MainsWait.Step step = MainsWait.begin(settings("a"), gone, 0);
        assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), step.decided());
        assertEquals(List.of("WARN Cannot tell whether the other main containers (--main=a, b) still run: the Pod was"
                + " deleted. Stopping the sidecars now, as without --main"), lines(step));
    }

    /**
     * The race: whatever each proa sees when its COMMAND exits (the other running, not started, or terminated as far
     * as is possible), exactly one of them stops the sidecars. b's proa exits only after stopping them, so a's proa
     * never sees b terminated; a's container may be seen in any state by b's proa.
     */
    @Test
    void exactlyOneProaStopsTheSidecarsWhateverEachSees() {
        List<ContainerStatus> bAsASeesIt = List.of(B_RUNS, TestPods.waiting("b", "ContainerCreating"));
        for (ContainerStatus b : bAsASeesIt) {
            assertEquals(Optional.of(MainsWait.Decision.LEAVE_THEM),
                    MainsWait.begin(settings("a"), pod(A_RUNS, b), 0).decided(), "a's proa, seeing " + b.getState());
        }
        for (ContainerStatus a : List.of(A_RUNS, A_DONE, TestPods.waiting("a", "ContainerCreating"))) {
            MainsWait.Step step = MainsWait.begin(settings("b"), pod(a, B_RUNS), 0);
            if (step.decided().isEmpty()) {
                step = MainsWait.step(settings("b"), step.state(), new MainsWait.PodSeen(pod(A_DONE, B_RUNS)), S);
            }
            assertEquals(Optional.of(MainsWait.Decision.STOP_SIDECARS), step.decided(), "b's proa, seeing " + a.getState());
        }
    }

    /**
     * The defect this guards against: the wait and the shutdown each took the whole timeout, one after the other, so
     * the stop could take twice --shutdown-timeout. With one deadline, the shutdown after a wait that ran out ends
     * when the stop's deadline passes, never later.
     */
    @Test
    void theWaitAndTheShutdownTogetherNeverPassTheStopsDeadline() {
        PodView running = pod(A_RUNS, B_RUNS);
        for (long timeout : new long[] {1, 2, 10, 30, 600}) {
            Deadline deadline = Deadline.of(Optional.of(Duration.ofSeconds(timeout)), running, 0);
            MainsWait.Rules settings = new MainsWait.Rules(settings("b").choice(), deadline, true);
            MainsWait.Step step = MainsWait.begin(settings, running, 0);
            long stopAt = 0;
            while (step.decided().isEmpty()) {
                assertTrue(step.wakeAt() <= deadline.at(), "the wait wakes before the deadline");
                stopAt = step.wakeAt();
                step = MainsWait.step(settings, step.state(), new MainsWait.Tick(), stopAt);
            }
            assertTrue(stopAt < deadline.at(), timeout + "s: the wait leaves the shutdown time");
            Shutdown.Rules shutdown = new Shutdown.Rules(new Sources(true, List.of()), Sidecars.Choice.ALL,
                    deadline, true, new dev.proa.sidecars.StopPlan(List.of(), List.of()));
            Shutdown.Step begun = Shutdown.begin(shutdown, running, stopAt);
            assertEquals(deadline.at(), begun.wakeAt(), timeout + "s: the shutdown ends at the stop's deadline");
            Shutdown.Step end = Shutdown.step(shutdown, begun.state(), new Shutdown.Tick(), deadline.at());
            assertTrue(end.ended().isPresent(), timeout + "s: over at the deadline");
            assertTrue(end.lines().getFirst().text().startsWith("Shutdown timeout of " + Durations.format(deadline.timeout())
                    + " passed after " + Durations.human(deadline.timeout())), "counted from the stop's start: " + end.lines());
        }
    }
}
