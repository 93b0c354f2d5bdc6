package dev.proa.lifecycle;

import dev.proa.config.ExitStatuses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.TestPods;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Sidecars;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The startup wait as decisions: each (state, what happened, the time) → (next state, what to do, what to log). */
class StartupTest {
    private static final long S = 1_000_000_000L;
    private static final Startup.Rules POD = settings(new Sources(true, List.of()), Optional.empty(), false);

    private static Startup.Rules settings(Sources sources, Optional<Duration> timeout, boolean continueOnTimeout) {
        return new Startup.Rules(sources, Sidecars.Choice.ALL, timeout, continueOnTimeout, Duration.ofSeconds(30),
                "jobs/job", "the name from POD_NAME, the namespace from POD_NAMESPACE", ExitStatuses.DEFAULT);
    }

    private static PodView withStatuses(ContainerStatus proxy, ContainerStatus db) {
        Pod pod = TestPods.pod("job", List.of("proxy", "db"), List.of());
        pod.getStatus().setContainerStatuses(List.of(TestPods.running("main", true), proxy, db));
        return new PodView(pod, false, null, false);
    }

    private static List<String> lines(Startup.Step step) {
        return step.lines().stream().map(Line::toString).toList();
    }

    @Test
    void nothingKnownYetWaitsAndWakesForTheProgressLine() {
        Startup.Step step = Startup.begin(POD, PodView.UNSEEN, 0, 0);

        assertNull(step.outcome());
        assertEquals(List.of(), lines(step));
        assertEquals(30 * S, step.wakeAt());
    }

    @Test
    void announcesOnceThenSaysEachSidecarThatBecomesReadyThenProceeds() {
        Startup.Step first = Startup.begin(POD, withStatuses(TestPods.waiting("proxy", "ContainerCreating"),
                TestPods.waiting("db", "ContainerCreating")), 0, S);
        assertEquals(List.of("INFO Waiting for the sidecars of Pod jobs/job to be ready: proxy, db"), lines(first));

        Startup.Step second = Startup.step(POD, first.state(), new Startup.PodSeen(withStatuses(
                TestPods.running("proxy", true), TestPods.waiting("db", "ContainerCreating"))), 2 * S);
        assertEquals(List.of("INFO Sidecar proxy is ready after 2.0s; still waiting for db"), lines(second));
        assertNull(second.outcome());

        Startup.Step third = Startup.step(POD, second.state(), new Startup.PodSeen(withStatuses(
                TestPods.running("proxy", true), TestPods.running("db", true))), 3 * S);
        assertEquals(List.of("INFO After 3.0s, all sidecars of Pod jobs/job (proxy, db) are ready: running COMMAND"),
                lines(third));
        assertEquals(new Startup.Proceed(Duration.ofSeconds(3)), third.outcome());
    }

    @Test
    void aSidecarThatEndedForGoodAbortsWithSidecarsNotReady() {
        Startup.Step step = Startup.begin(POD, withStatuses(TestPods.terminated("proxy", 1),
                TestPods.running("db", true)), 0, S);

        Startup.Abort abort = assertInstanceOf(Startup.Abort.class, step.outcome());
        assertEquals(193, abort.outcome().status(ExitStatuses.DEFAULT));
        assertEquals(new Outcome.NotStarted(Outcome.Reason.SIDECAR_FAILED, "sidecar proxy exited with code 1 (Error)"
                + " and will not be restarted (restartPolicy Never)"), abort.outcome());
        assertTrue(lines(step).getFirst().startsWith("ERROR Startup failed: sidecar proxy exited with code 1"));
    }

    @Test
    void aPodThatDoesNotExistOrWasDeletedAborts() {
        Startup.Step missing = Startup.begin(POD, new PodView(null, true, null, false), 0, S);
        assertEquals(Startup.Abort.of(Outcome.Reason.POD_NOT_FOUND, "Pod jobs/job does not exist (the name from POD_NAME, the namespace from"
                + " POD_NAMESPACE)"), missing.outcome());

        Startup.Step deleted = Startup.begin(POD, new PodView(withStatuses(TestPods.running("proxy", false),
                TestPods.running("db", true)).pod(), true, null, false), 0, S);
        assertEquals(Startup.Abort.of(Outcome.Reason.POD_GONE, "Pod jobs/job was deleted while proa waited for its sidecars"),
                deleted.outcome());
    }

    @Test
    void aStuckSidecarIsWarnedAboutWhenFirstSeenAndWhenItsReasonChangesOnly() {
        PodView pulling = withStatuses(TestPods.waiting("proxy", "ImagePullBackOff", "Back-off"), TestPods.running("db", true));
        Startup.Step first = Startup.begin(POD, pulling, 0, S);
        Startup.Step again = Startup.step(POD, first.state(), new Startup.PodSeen(pulling), 2 * S);
        Startup.Step changed = Startup.step(POD, again.state(), new Startup.PodSeen(withStatuses(
                TestPods.waiting("proxy", "ErrImagePull", "not found"), TestPods.running("db", true))), 3 * S);

        assertEquals(1, lines(first).stream().filter(l -> l.startsWith("WARN Sidecar proxy cannot start: waiting:"
                + " ImagePullBackOff: Back-off")).count());
        assertEquals(List.of(), lines(again));
        assertEquals(List.of("WARN Sidecar proxy cannot start: waiting: ErrImagePull: not found. It will not become"
                + " ready until this is fixed"), lines(changed));
    }

    @Test
    void saysWhoIsStillAwaitedAtEachProgressInterval() {
        Startup.Step first = Startup.begin(POD, withStatuses(TestPods.running("proxy", true),
                TestPods.waiting("db", "ContainerCreating")), 0, S);
        Startup.Step progress = Startup.step(POD, first.state(), new Startup.Tick(), 30 * S);

        assertEquals(List.of("INFO Still waiting after 30.0s for db (waiting: ContainerCreating)"), lines(progress));
        assertEquals(60 * S, progress.wakeAt());
    }

    @Test
    void theTimeoutFailsOrContinuesAsConfiguredNamingWhoWasNotReady() {
        PodView waiting = withStatuses(TestPods.running("proxy", true), TestPods.waiting("db", "ContainerCreating"));
        Startup.Rules fail = settings(POD.sources(), Optional.of(Duration.ofSeconds(2)), false);
        Startup.Step before = Startup.begin(fail, waiting, 0, S);
        assertEquals(2 * S, before.wakeAt(), "woken at the timeout");

        Startup.Step failed = Startup.step(fail, before.state(), new Startup.Tick(), 2 * S);
        assertEquals(Startup.Abort.of(Outcome.Reason.STARTUP_TIMEOUT, "startup timeout of 2s passed; not ready: db (waiting: ContainerCreating)"),
                failed.outcome());

        Startup.Rules go = settings(POD.sources(), Optional.of(Duration.ofSeconds(2)), true);
        Startup.Step continued = Startup.step(go, Startup.begin(go, waiting, 0, S).state(), new Startup.Tick(), 2 * S);
        assertEquals(new Startup.Proceed(Duration.ofSeconds(2)), continued.outcome());
        assertEquals(List.of("WARN Startup timeout of 2s passed; running COMMAND anyway (--on-startup-timeout=continue)."
                + " Not ready: db (waiting: ContainerCreating)"), lines(continued));
    }

    /** The log line says the status the run will exit with: the remapped one when --exit-status remaps it. */
    @Test
    void theLinesSayTheStatusAsRemapped() {
        PodView waiting = withStatuses(TestPods.running("proxy", true), TestPods.waiting("db", "ContainerCreating"));
        Startup.Rules fail = settings(POD.sources(), Optional.of(Duration.ofSeconds(2)), false);
        Startup.Rules remapped = new Startup.Rules(fail.sources(), fail.choice(), fail.timeout(), false,
                fail.progressInterval(), fail.pod(), fail.origin(),
                new ExitStatuses(Map.of(dev.proa.config.ExitStatus.SIDECARS_NOT_READY, 90)));
        for (var rules : Map.of(fail, "exiting 193", remapped, "exiting 90").entrySet()) {
            Startup.Step failed = Startup.step(rules.getKey(), Startup.begin(rules.getKey(), waiting, 0, S).state(),
                    new Startup.Tick(), 2 * S);
            assertTrue(lines(failed).getLast().endsWith(rules.getValue()), lines(failed)::toString);
        }
        Startup.Step gone = Startup.begin(remapped, new PodView(null, true, null, false), 0, S);
        assertTrue(lines(gone).getLast().endsWith("exit 125"), lines(gone)::toString); // proa-failed: not remapped
    }

    @Test
    void theTimeoutCountsFromWhenTheWaitBeganNotFromNow() {
        Startup.Rules fail = settings(POD.sources(), Optional.of(Duration.ofSeconds(2)), false);
        Startup.Step step = Startup.begin(fail, PodView.UNSEEN, 0, 3 * S);

        // The Pod never read: the API failed proa, not the sidecars (proa-failed, not sidecars-not-ready).
        assertEquals(Startup.Abort.of(Outcome.Reason.API_FAILED, "startup timeout of 2s passed; not ready: Pod jobs/job to be read from the"
                + " API server (no answer yet)"), step.outcome());
    }

    @Test
    void aSignalEndsTheWaitWith128PlusN() {
        Startup.Step step = Startup.step(POD, Startup.begin(POD, PodView.UNSEEN, 0, 0).state(), new Startup.Stopped(15), S);

        assertEquals(new Startup.Abort(new Outcome.Signalled(15)), step.outcome());
    }

    @Test
    void withTargetsOnlyProbesUntilEveryOneAnswersThenProceeds() {
        Startup.Rules targets = settings(new Sources(false, List.of("http://127.0.0.1:8080/ready", "tcp://db:5432")),
                Optional.empty(), false);
        Startup.Step first = Startup.begin(targets, PodView.UNSEEN, 0, 0);
        assertEquals(List.of("INFO Waiting for http://127.0.0.1:8080/ready, tcp://db:5432"), lines(first));
        assertTrue(first.probe(), "probes at once");

        java.util.Map<String, String> results = new java.util.LinkedHashMap<>();
        results.put("http://127.0.0.1:8080/ready", null);
        results.put("tcp://db:5432", "Connection refused");
        Startup.Step second = Startup.step(targets, first.state(), new Startup.Probed(results), S / 10);
        assertEquals(List.of("INFO http://127.0.0.1:8080/ready answers: ready; still waiting for tcp://db:5432"),
                lines(second));
        assertFalse(second.probe(), "not before the probe interval");
        assertEquals(S / 10 + Startup.PROBE_INTERVAL.toNanos(), second.wakeAt());

        Startup.Step third = Startup.step(targets, second.state(), new Startup.Tick(), second.wakeAt());
        assertTrue(third.probe());
        assertEquals(Map.of("tcp://db:5432", "Connection refused"), third.state().notReady());

        Startup.Step done = Startup.step(targets, third.state(), new Startup.Probed(java.util.Collections.singletonMap(
                "tcp://db:5432", null)), S);
        assertInstanceOf(Startup.Proceed.class, done.outcome());
        assertEquals("INFO After 1.0s, every --wait-http and --wait-tcp target answers: running COMMAND",
                lines(done).getLast());
    }

    @Test
    void withThePodAndTargetsProbesOnlyOnceTheSidecarsAreReady() {
        Startup.Rules both = settings(new Sources(true, List.of("tcp://db:5432")), Optional.empty(), false);
        Startup.Step notReady = Startup.begin(both, withStatuses(TestPods.running("proxy", false),
                TestPods.running("db", true)), 0, 0);
        assertFalse(notReady.probe());

        Startup.Step ready = Startup.step(both, notReady.state(), new Startup.PodSeen(withStatuses(
                TestPods.running("proxy", true), TestPods.running("db", true))), S);
        assertTrue(ready.probe());
        assertNull(ready.outcome());
    }
}
