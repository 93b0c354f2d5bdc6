package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.proa.sidecars.Mains;
import dev.proa.sidecars.Sidecars;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whose turn it is to stop the sidecars once COMMAND has exited, with main containers a, b, c (in that order in the
 * Pod) and a sidecar: a table of (proa's own container, the Pod's restart policy, the others' states) → the turn.
 */
class MainsTest {
    private static final List<String> ALL = List.of("a", "b", "c");
    private static final ContainerStatus A_RUNS = TestPods.running("a", true);
    private static final ContainerStatus C_RUNS = TestPods.running("c", true);
    private static final ContainerStatus A_DONE = TestPods.terminated("a", 0);
    private static final ContainerStatus A_FAILED = TestPods.terminated("a", 1);
    private static final ContainerStatus B_DONE = TestPods.terminated("b", 0);
    private static final ContainerStatus C_DONE = TestPods.terminated("c", 0);

    static Stream<Arguments> turns() {
        return Stream.of(
                turn("b, the others done: b is last", "b", "Never", List.of(A_DONE, C_DONE), "Last"),
                turn("b, only a (before) runs: wait for it", "b", "Never", List.of(A_RUNS, C_DONE), "Wait[a (running)]"),
                turn("b, c (after) runs: c's proa stops them", "b", "Never", List.of(A_DONE, C_RUNS), "LeaveTo c (running)"),
                turn("b, both run: c's turn, not b's", "b", "Never", List.of(A_RUNS, C_RUNS), "LeaveTo c (running)"),
                turn("b, c not started yet: it still counts", "b", "Never", List.of(A_DONE, none("c")),
                        "LeaveTo c (not started yet)"),
                turn("b, c being created", "b", "Never", List.of(A_DONE, TestPods.waiting("c", "ContainerCreating")),
                        "LeaveTo c (waiting: ContainerCreating)"),
                turn("a (first), c runs", "a", "Never", List.of(B_DONE, C_RUNS), "LeaveTo c (running)"),
                turn("a (first), b runs", "a", "Never", List.of(TestPods.running("b", true), C_DONE),
                        "LeaveTo b (running)"),
                turn("c (last), a and b run: wait for both", "c", "Never", List.of(A_RUNS, TestPods.running("b", true)),
                        "Wait[a (running), b (running)]"),
                turn("c (last), all done", "c", "Never", List.of(A_DONE, B_DONE), "Last"),
                turn("OnFailure: a failed and restarts in place", "b", "OnFailure", List.of(A_FAILED, C_DONE),
                        "Wait[a (exited with code 1 (Error), will be restarted (restartPolicy OnFailure))]"),
                turn("OnFailure: a succeeded, for good", "b", "OnFailure", List.of(A_DONE, C_DONE), "Last"),
                turn("Always: c is restarted even after success, so it still runs", "b", "Always", List.of(A_DONE, C_DONE),
                        "LeaveTo c (exited with code 0 (Completed), will be restarted (restartPolicy Always))"),
                turn("Always: so is a", "c", "Always", List.of(A_DONE, B_DONE),
                        "Wait[a (exited with code 0 (Completed), will be restarted (restartPolicy Always)),"
                                + " b (exited with code 0 (Completed), will be restarted (restartPolicy Always))]"),
                turn("Never: a failed, for good", "b", "Never", List.of(A_FAILED, C_DONE), "Last"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("turns")
    void whoseTurn(String name, String own, String restartPolicy, List<ContainerStatus> others, String expected)
            throws Exception {
        Pod pod = pod(restartPolicy, others);
        assertEquals(expected, describe(Mains.turn(pod, choice(own, ALL))));
    }

    @Test
    void theListNeedNotNameProasOwnContainer() throws Exception {
        Pod pod = pod("Never", List.of(A_RUNS, C_DONE));
        assertEquals("Wait[a (running)]", describe(Mains.turn(pod, choice("b", List.of("c", "a")))));
        assertEquals(List.of("a", "c"), Mains.others(pod, choice("b", List.of("c", "a"))), "in the Pod's order");
    }

    @Test
    void aContainersOwnRestartPolicyOverridesThePods() throws Exception {
        Pod pod = pod("Never", List.of(A_FAILED, C_DONE));
        pod.getSpec().getContainers().getFirst().setRestartPolicy("OnFailure");
        assertEquals("Wait[a (exited with code 1 (Error), will be restarted (restartPolicy OnFailure))]",
                describe(Mains.turn(pod, choice("b", ALL))));
    }

    @Test
    void mainContainersAreNotSidecars() throws Exception {
        Pod pod = pod("Never", List.of(A_RUNS, C_RUNS));
        assertEquals(List.of(new Sidecars.Sidecar("proxy", false)), Sidecars.select(pod, choice("b", ALL)));
    }

    @Test
    void aNameThePodLacksFailsNamingIt() {
        Pod pod = TestPods.withMains("job", List.of("a", "b"), List.of("proxy"));
        pod.getSpec().getInitContainers().add(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("setup").build());
        for (String wrong : List.of("loadr", "setup")) {
            Sidecars.NotInPod e = assertThrows(Sidecars.NotInPod.class,
                    () -> Sidecars.select(pod, choice("a", List.of("b", wrong))));
            assertEquals("--main=" + wrong + " is not a container of Pod jobs/job; its containers are: a, b, proxy",
                    e.getMessage());
        }
    }

    private static Pod pod(String restartPolicy, List<ContainerStatus> others) {
        Pod pod = TestPods.withMains("job", ALL, List.of("proxy"));
        pod.getSpec().setRestartPolicy(restartPolicy);
        pod.getStatus().getContainerStatuses().replaceAll(s -> others.stream()
                .filter(o -> o.getName().equals(s.getName())).findFirst().orElse(s));
        return pod;
    }

    /** A status with no state yet: the kubelet has not started the container. */
    private static ContainerStatus none(String name) {
        return new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName(name).build();
    }

    private static Sidecars.Choice choice(String own, List<String> mains) {
        return new Sidecars.Choice(own, null, List.of(), List.of(), mains);
    }

    private static String describe(Mains.Turn turn) {
        return switch (turn) {
            case Mains.Last l -> "Last";
            case Mains.Wait w -> "Wait" + w.running();
            case Mains.LeaveTo t -> "LeaveTo " + t.later();
        };
    }

    private static Arguments turn(String name, String own, String restartPolicy, List<ContainerStatus> others,
            String expected) {
        return Arguments.of(name, own, restartPolicy, others, expected);
    }
}
