package dev.proa;

import dev.proa.sidecars.Readiness;
import dev.proa.sidecars.Sidecars;

import static dev.proa.ReadinessTest.TestPod.none;
import static dev.proa.ReadinessTest.TestPod.pod;
import static dev.proa.ReadinessTest.TestPod.ready;
import static dev.proa.ReadinessTest.TestPod.running;
import static dev.proa.ReadinessTest.TestPod.terminated;
import static dev.proa.ReadinessTest.TestPod.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.proa.sidecars.Readiness.Failed;
import dev.proa.sidecars.Readiness.Pending;
import dev.proa.sidecars.Readiness.Ready;
import dev.proa.sidecars.Readiness.Verdict;
import dev.proa.sidecars.Readiness.Waiting;
import dev.proa.sidecars.Sidecars.Choice;
import dev.proa.sidecars.Sidecars.Sidecar;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReadinessTest {

    private static final String RUNNING = "running, not ready yet";
    private static final String NOT_CREATED = "not created yet";

    // ---- Ready and Waiting: the whole verdict is compared, sidecar list and pending list alike ----

    static Stream<Arguments> readyOrWaiting() {
        return Stream.of(
                arguments("main container only",
                        pod().container("app", running()), Choice.ALL,
                        new Ready(List.of())),
                arguments("one sidecar ready",
                        pod().container("app", running()).container("envoy", ready()), Choice.ALL,
                        new Ready(List.of(regular("envoy")))),
                arguments("one sidecar running, not ready",
                        pod().container("app", running()).container("envoy", running()), Choice.ALL,
                        new Waiting(List.of(regular("envoy")), List.of(new Pending("envoy", RUNNING, null)))),
                arguments("ready and not ready mixed: only the not-ready ones are pending",
                        pod().container("app", running())
                                .container("a", ready())
                                .container("b", running())
                                .container("c", waiting("ContainerCreating", null))
                                .container("d", ready()),
                        Choice.ALL,
                        new Waiting(List.of(regular("a"), regular("b"), regular("c"), regular("d")),
                                List.of(new Pending("b", RUNNING, null),
                                        new Pending("c", "waiting: ContainerCreating", null)))),
                arguments("sidecar with no status yet",
                        pod().container("app", running()).container("envoy", ready()).container("vault", none()),
                        Choice.ALL,
                        new Waiting(List.of(regular("envoy"), regular("vault")),
                                List.of(new Pending("vault", NOT_CREATED, null)))),
                arguments("Pod with no status at all",
                        pod().container("app", none()).container("envoy", none()).withoutPodStatus(), Choice.ALL,
                        new Waiting(List.of(regular("envoy")), List.of(new Pending("envoy", NOT_CREATED, null)))),
                arguments("terminated sidecar under the default restartPolicy (Always) will be restarted",
                        pod().container("app", running()).container("envoy", terminated(1)), Choice.ALL,
                        new Waiting(List.of(regular("envoy")),
                                List.of(new Pending("envoy", "exited with code 1 (Error), will be restarted", null)))),
                arguments("a container's own restartPolicy overrides the Pod's",
                        pod().restartPolicy("Never").container("app", running())
                                .container("envoy", terminated(1), "Always"),
                        Choice.ALL,
                        new Waiting(List.of(regular("envoy")),
                                List.of(new Pending("envoy", "exited with code 1 (Error), will be restarted", null)))),
                arguments("native sidecar ready",
                        pod().nativeSidecar("istio", ready()).container("app", running()), Choice.ALL,
                        new Ready(List.of(restartable("istio")))),
                arguments("native sidecar not ready is waited for",
                        pod().nativeSidecar("istio", running()).container("app", running()), Choice.ALL,
                        new Waiting(List.of(restartable("istio")), List.of(new Pending("istio", RUNNING, null)))),
                arguments("native sidecar terminated under restartPolicy Never: waiting, the kubelet restarts it",
                        pod().restartPolicy("Never").nativeSidecar("istio", terminated(1)).container("app", running()),
                        Choice.ALL,
                        new Waiting(List.of(restartable("istio")),
                                List.of(new Pending("istio", "exited with code 1 (Error), will be restarted", null)))),
                arguments("native sidecar exited 0 under restartPolicy OnFailure: still waiting",
                        pod().restartPolicy("OnFailure").nativeSidecar("istio", terminated(0)).container("app", running()),
                        Choice.ALL,
                        new Waiting(List.of(restartable("istio")),
                                List.of(new Pending("istio", "exited with code 0 (Completed), will be restarted", null)))),
                arguments("regular sidecars come before native ones",
                        pod().nativeSidecar("istio", ready()).container("app", running()).container("envoy", ready()),
                        Choice.ALL,
                        new Ready(List.of(regular("envoy"), restartable("istio")))),
                arguments("plain init container is never a sidecar, even unfinished",
                        pod().initContainer("migrate", running()).container("app", none()), Choice.ALL,
                        new Ready(List.of())),
                arguments("plain init container is never a sidecar, even failed under Never",
                        pod().restartPolicy("Never").initContainer("migrate", terminated(1)).container("app", none()),
                        Choice.ALL,
                        new Ready(List.of())),
                arguments("without --container the first container is proa's own",
                        pod().container("envoy", running()).container("web", running()), Choice.ALL,
                        new Waiting(List.of(regular("web")), List.of(new Pending("web", RUNNING, null)))),
                arguments("--container names a later container: containers[0] becomes a sidecar",
                        pod().container("envoy", running()).container("web", running()), own("web"),
                        new Waiting(List.of(regular("envoy")), List.of(new Pending("envoy", RUNNING, null)))),
                arguments("--container names a later container, the first is ready",
                        pod().container("envoy", ready()).container("web", running()), own("web"),
                        new Ready(List.of(regular("envoy")))),
                arguments("--wait-for restricts to the named sidecar",
                        pod().container("app", running()).container("envoy", ready()).container("vault", running()),
                        waitFor("envoy"),
                        new Ready(List.of(regular("envoy")))),
                arguments("--wait-for still waits for the named sidecar",
                        pod().container("app", running()).container("envoy", running()).container("vault", ready()),
                        waitFor("envoy"),
                        new Waiting(List.of(regular("envoy")), List.of(new Pending("envoy", RUNNING, null)))),
                arguments("--wait-for ignores a failed sidecar it does not name",
                        pod().restartPolicy("Never").container("app", running())
                                .container("envoy", ready()).container("vault", terminated(1)),
                        waitFor("envoy"),
                        new Ready(List.of(regular("envoy")))),
                arguments("--wait-for names a native sidecar",
                        pod().nativeSidecar("istio", running()).container("app", running()).container("envoy", running()),
                        waitFor("istio"),
                        new Waiting(List.of(restartable("istio")), List.of(new Pending("istio", RUNNING, null)))),
                arguments("--wait-for two sidecars",
                        pod().nativeSidecar("istio", ready()).container("app", running())
                                .container("envoy", ready()).container("vault", running()),
                        waitFor("istio", "envoy"),
                        new Ready(List.of(restartable("istio"), regular("envoy")))),
                arguments("--ignore excludes a not-ready sidecar",
                        pod().container("app", running()).container("envoy", ready()).container("vault", running()),
                        ignore("vault"),
                        new Ready(List.of(regular("envoy")))),
                arguments("--ignore excludes a failed sidecar",
                        pod().restartPolicy("Never").container("app", running())
                                .container("envoy", ready()).container("vault", terminated(1)),
                        ignore("vault"),
                        new Ready(List.of(regular("envoy")))),
                arguments("--ignore excludes a native sidecar",
                        pod().nativeSidecar("istio", running()).container("app", running()).container("envoy", running()),
                        ignore("istio"),
                        new Waiting(List.of(regular("envoy")), List.of(new Pending("envoy", RUNNING, null)))),
                arguments("--ignore of a name not in the Pod changes nothing",
                        pod().container("app", running()).container("envoy", ready()), ignore("nope"),
                        new Ready(List.of(regular("envoy")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readyOrWaiting")
    void judgesReadyOrWaiting(String description, TestPod pod, Choice choice, Verdict expected) {
        assertEquals(expected, Readiness.judge(pod.build(), choice));
    }

    // ---- Failed: the message must name what is wrong ----

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments("terminated sidecar, restartPolicy Never, exit 1",
                        pod().restartPolicy("Never").container("app", running()).container("envoy", terminated(1)),
                        Choice.ALL,
                        List.of("sidecar envoy ", "exited with code 1", "(Error)", "restartPolicy Never")),
                arguments("terminated sidecar, restartPolicy OnFailure, exit 0",
                        pod().restartPolicy("OnFailure").container("app", running()).container("envoy", terminated(0)),
                        Choice.ALL,
                        List.of("sidecar envoy ", "exited with code 0", "(Completed)", "restartPolicy OnFailure")),
                arguments("a container's own restartPolicy Never overrides the Pod's Always",
                        pod().container("app", running()).container("envoy", terminated(2), "Never"),
                        Choice.ALL,
                        List.of("sidecar envoy ", "exited with code 2", "restartPolicy Never")),
                arguments("a container's own restartPolicy OnFailure, exit 0",
                        pod().container("app", running()).container("envoy", terminated(0), "OnFailure"),
                        Choice.ALL,
                        List.of("sidecar envoy ", "exited with code 0", "(Completed)", "restartPolicy OnFailure")),
                arguments("--container names a missing container",
                        pod().container("app", running()).container("envoy", ready()), own("web"),
                        List.of("--container=web", "shop/web-0", "app, envoy")),
                arguments("--wait-for names a container not in the Pod",
                        pod().container("app", running()).container("envoy", ready()), waitFor("vault"),
                        List.of("--wait-for=vault", "shop/web-0", "envoy")),
                arguments("--wait-for names proa's own container",
                        pod().container("app", running()).container("envoy", ready()), waitFor("app"),
                        List.of("--wait-for=app")),
                arguments("--wait-for names a plain init container",
                        pod().initContainer("migrate", terminated(0)).container("app", running()), waitFor("migrate"),
                        List.of("--wait-for=migrate", "(none)")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void fails(String description, TestPod pod, Choice choice, List<String> messageParts) {
        Failed failed = assertInstanceOf(Failed.class, Readiness.judge(pod.build(), choice));
        for (String part : messageParts) {
            assertTrue(failed.why().contains(part), () -> "'" + failed.why() + "' should contain '" + part + "'");
        }
    }

    // ---- A terminated sidecar by restart policy ----

    @ParameterizedTest(name = "regular sidecar, Pod restartPolicy ''{0}'', exit {1}: {2}")
    @CsvSource({
        "Never,     0,   Failed",
        "Never,     1,   Failed",
        "OnFailure, 0,   Failed",
        "OnFailure, 1,   Waiting",
        "OnFailure, 137, Waiting",
        "Always,    0,   Waiting",
        "Always,    1,   Waiting",
        "'',        1,   Waiting",
    })
    void terminatedRegularSidecarByPodRestartPolicy(String podPolicy, int exitCode, String verdict) {
        TestPod pod = pod().restartPolicy(podPolicy.isEmpty() ? null : podPolicy)
                .container("app", running())
                .container("ready", ready())
                .container("side", terminated(exitCode))
                .container("slow", running());
        assertTerminated(pod, exitCode, verdict, podPolicy.isEmpty() ? "Always" : podPolicy);
    }

    @ParameterizedTest(name = "regular sidecar, own restartPolicy ''{1}'' under the Pod''s ''{0}'', exit {2}: {3}")
    @CsvSource({
        "Always,    Never,     0,   Failed",
        "Always,    Never,     1,   Failed",
        "Always,    OnFailure, 0,   Failed",
        "Never,     OnFailure, 1,   Waiting",
        "Never,     Always,    0,   Waiting",
        "OnFailure, Always,    0,   Waiting",
    })
    void terminatedRegularSidecarByOwnRestartPolicy(String podPolicy, String ownPolicy, int exitCode, String verdict) {
        TestPod pod = pod().restartPolicy(podPolicy)
                .container("app", running())
                .container("ready", ready())
                .container("side", terminated(exitCode), ownPolicy)
                .container("slow", running(), ownPolicy);
        assertTerminated(pod, exitCode, verdict, ownPolicy);
    }

    @ParameterizedTest(name = "native sidecar, Pod restartPolicy ''{0}'', exit {1}: Waiting")
    @CsvSource({"Never, 0", "Never, 1", "OnFailure, 0", "OnFailure, 1", "Always, 1", "'', 0"})
    void terminatedNativeSidecarIsNeverFailed(String podPolicy, int exitCode) {
        TestPod pod = pod().restartPolicy(podPolicy.isEmpty() ? null : podPolicy)
                .nativeSidecar("ready", ready())
                .nativeSidecar("side", terminated(exitCode))
                .nativeSidecar("slow", running())
                .container("app", running());
        assertTerminated(pod, exitCode, "Waiting", "Always");
    }

    /** Sidecars "ready", "side" (terminated with exitCode) and "slow" (running, not ready): what becomes of "side"? */
    private static void assertTerminated(TestPod pod, int exitCode, String verdict, String policy) {
        Verdict result = Readiness.judge(pod.build(), Choice.ALL);

        assertEquals(verdict, result.getClass().getSimpleName(), result::toString);
        String end = "exited with code " + exitCode + (exitCode == 0 ? " (Completed)" : " (Error)");
        if (result instanceof Failed failed) {
            assertEquals("sidecar side " + end + " and will not be restarted (restartPolicy " + policy + ")", failed.why());
        } else {
            assertEquals(List.of(new Pending("side", end + ", will be restarted", null), new Pending("slow", RUNNING, null)),
                    ((Waiting) result).pending());
        }
    }

    // ---- Stuck waiting reasons ----

    @ParameterizedTest(name = "{0} is stuck")
    @ValueSource(strings = {"ImagePullBackOff", "CrashLoopBackOff", "CreateContainerConfigError", "ErrImagePull"})
    void stuckReasons(String reason) {
        assertTrue(Readiness.STUCK_REASONS.contains(reason));
        String message = "details of " + reason;
        Pending pending = onlyPending(pod().container("app", running()).container("envoy", waiting(reason, message)));

        assertEquals("envoy", pending.container());
        assertTrue(pending.isStuck());
        assertEquals(reason, pending.stuckReason());
        assertEquals("waiting: " + reason + ": " + message, pending.state());
    }

    @ParameterizedTest(name = "{0} is not stuck")
    @ValueSource(strings = {"ContainerCreating", "PodInitializing"})
    void transientReasonsAreNotStuck(String reason) {
        assertFalse(Readiness.STUCK_REASONS.contains(reason));
        Pending pending = onlyPending(pod().container("app", running()).container("envoy", waiting(reason, null)));

        assertFalse(pending.isStuck());
        assertNull(pending.stuckReason());
        assertEquals("waiting: " + reason, pending.state());
    }

    @Test
    void stuckNativeSidecar() {
        Pending pending = onlyPending(pod().nativeSidecar("istio", waiting("CrashLoopBackOff", "back-off 5m0s"))
                .container("app", running()));
        assertEquals(new Pending("istio", "waiting: CrashLoopBackOff: back-off 5m0s", "CrashLoopBackOff"), pending);
    }

    @Test
    void waitingWithoutReason() {
        Pending pending = onlyPending(pod().container("app", running()).container("envoy", waiting(null, null)));
        assertEquals(new Pending("envoy", "waiting: waiting", null), pending);
    }

    private static Pending onlyPending(TestPod pod) {
        Waiting waiting = assertInstanceOf(Waiting.class, Readiness.judge(pod.build(), Choice.ALL));
        assertEquals(1, waiting.pending().size(), waiting::toString);
        return waiting.pending().getFirst();
    }

    // ---- Choices and expected sidecars ----

    private static Choice own(String container) {
        return new Choice(container, List.of(), List.of());
    }

    private static Choice waitFor(String... names) {
        return new Choice(null, List.of(names), List.of());
    }

    private static Choice ignore(String... names) {
        return new Choice(null, List.of(), List.of(names));
    }

    private static Sidecar regular(String name) {
        return new Sidecar(name, false);
    }

    private static Sidecar restartable(String name) {
        return new Sidecar(name, true);
    }

    /**
     * A Pod "shop/web-0" put together container by container, each with what the kubelet reports for it:
     * {@code pod().nativeSidecar("istio", ready()).container("app", running()).container("envoy", none()).build()}.
     */
    static final class TestPod {
        /** What the kubelet reports for one container: a status, or (for {@link #none()}) nothing yet. */
        interface State extends Function<String, ContainerStatus> {}

        private final List<Container> containers = new ArrayList<>();
        private final List<Container> initContainers = new ArrayList<>();
        private final List<ContainerStatus> statuses = new ArrayList<>();
        private final List<ContainerStatus> initStatuses = new ArrayList<>();
        private String restartPolicy;
        private boolean podStatus = true;

        static TestPod pod() {
            return new TestPod();
        }

        /** A regular container; every one but proa's own is a sidecar. */
        TestPod container(String name, State state) {
            return container(name, state, null);
        }

        /** A regular container with its own restartPolicy. */
        TestPod container(String name, State state, String ownRestartPolicy) {
            containers.add(new ContainerBuilder().withName(name).withImage(name + ":1")
                    .withRestartPolicy(ownRestartPolicy).build());
            add(statuses, state.apply(name));
            return this;
        }

        /** An init container with restartPolicy Always. */
        TestPod nativeSidecar(String name, State state) {
            initContainers.add(new ContainerBuilder().withName(name).withImage(name + ":1").withRestartPolicy("Always").build());
            add(initStatuses, state.apply(name));
            return this;
        }

        /** An init container that runs to completion before the containers start. */
        TestPod initContainer(String name, State state) {
            initContainers.add(new ContainerBuilder().withName(name).withImage(name + ":1").build());
            add(initStatuses, state.apply(name));
            return this;
        }

        TestPod restartPolicy(String policy) {
            this.restartPolicy = policy;
            return this;
        }

        TestPod withoutPodStatus() {
            this.podStatus = false;
            return this;
        }

        Pod build() {
            PodBuilder pod = new PodBuilder()
                    .withNewMetadata().withName("web-0").withNamespace("shop").endMetadata()
                    .withNewSpec()
                    .withRestartPolicy(restartPolicy)
                    .withInitContainers(initContainers)
                    .withContainers(containers)
                    .endSpec();
            if (podStatus) {
                pod.withNewStatus()
                        .withPhase("Pending")
                        .withInitContainerStatuses(initStatuses)
                        .withContainerStatuses(statuses)
                        .endStatus();
            }
            return pod.build();
        }

        @Override
        public String toString() {
            return "pod " + containers.stream().map(Container::getName).toList();
        }

        private static void add(List<ContainerStatus> to, ContainerStatus status) {
            if (status != null) to.add(status);
        }

        static State none() {
            return name -> null;
        }

        static State ready() {
            return name -> base(name, true).withNewState()
                    .withNewRunning().withStartedAt("2025-01-01T00:00:00Z").endRunning()
                    .endState().build();
        }

        static State running() {
            return name -> base(name, false).withNewState()
                    .withNewRunning().withStartedAt("2025-01-01T00:00:00Z").endRunning()
                    .endState().build();
        }

        static State waiting(String reason, String message) {
            return name -> base(name, false).withNewState()
                    .withNewWaiting().withReason(reason).withMessage(message).endWaiting()
                    .endState().build();
        }

        /** Ended with {@code exitCode}; the reason is the kubelet's: Completed for 0, else Error. */
        static State terminated(int exitCode) {
            return name -> base(name, false).withNewState()
                    .withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
                    .endTerminated()
                    .endState().build();
        }

        private static ContainerStatusBuilder base(String name, boolean ready) {
            return new ContainerStatusBuilder().withName(name).withImage(name + ":1").withReady(ready)
                    .withStarted(true).withRestartCount(0);
        }
    }
}
