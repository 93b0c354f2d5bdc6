package dev.proa;

import dev.proa.sidecars.Sidecars;

import static dev.proa.ReadinessTest.TestPod.none;
import static dev.proa.ReadinessTest.TestPod.pod;
import static dev.proa.ReadinessTest.TestPod.ready;
import static dev.proa.ReadinessTest.TestPod.running;
import static dev.proa.ReadinessTest.TestPod.terminated;
import static dev.proa.ReadinessTest.TestPod.waiting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.proa.ReadinessTest.TestPod;
import dev.proa.ReadinessTest.TestPod.State;
import dev.proa.sidecars.Sidecars.Sidecar;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SidecarsTest {

    static Stream<Arguments> oneSidecar() {
        return Stream.of(
                arguments("running, ready", ready(), true),
                arguments("running, not ready", running(), true),
                arguments("waiting", waiting("ContainerCreating", null), true),
                arguments("stuck", waiting("CrashLoopBackOff", "back-off"), true),
                arguments("no status yet", none(), true),
                arguments("terminated, exit 0", terminated(0), false),
                arguments("terminated, exit 143", terminated(143), false));
    }

    @ParameterizedTest(name = "regular sidecar {0}: still running = {2}")
    @MethodSource("oneSidecar")
    void regularSidecar(String description, State state, boolean listed) {
        TestPod pod = pod().container("app", running()).container("envoy", state);
        assertEquals(listed ? List.of("envoy") : List.of(),
                Sidecars.stillRunning(pod.build(), List.of(new Sidecar("envoy", false))));
    }

    @ParameterizedTest(name = "native sidecar {0}: never listed")
    @MethodSource("oneSidecar")
    void nativeSidecarIsNeverListed(String description, State state, boolean unused) {
        TestPod pod = pod().nativeSidecar("istio", state).container("app", running());
        assertEquals(List.of(), Sidecars.stillRunning(pod.build(), List.of(new Sidecar("istio", true))));
    }

    @Test
    void mixedPodListsOnlyTheUnterminatedRegularOnesInOrder() {
        TestPod pod = pod()
                .nativeSidecar("istio", running())
                .container("app", terminated(0))
                .container("envoy", running())
                .container("vault", terminated(0))
                .container("fluentd", none())
                .container("redis", ready());
        List<Sidecar> sidecars = List.of(
                new Sidecar("envoy", false), new Sidecar("vault", false), new Sidecar("fluentd", false),
                new Sidecar("redis", false), new Sidecar("istio", true));

        assertEquals(List.of("envoy", "fluentd", "redis"), Sidecars.stillRunning(pod.build(), sidecars));
    }

    @Test
    void withoutPodStatusEveryRegularSidecarCountsAsRunning() {
        TestPod pod = pod().nativeSidecar("istio", none()).container("app", none())
                .container("envoy", none()).container("vault", none()).withoutPodStatus();
        List<Sidecar> sidecars = List.of(new Sidecar("envoy", false), new Sidecar("vault", false), new Sidecar("istio", true));

        assertEquals(List.of("envoy", "vault"), Sidecars.stillRunning(pod.build(), sidecars));
    }

    @Test
    void noSidecarsNothingRunning() {
        assertEquals(List.of(), Sidecars.stillRunning(pod().container("app", running()).build(), List.of()));
    }
}
