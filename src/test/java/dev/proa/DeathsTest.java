package dev.proa;

import dev.proa.sidecars.Deaths;

import dev.proa.sidecars.Sidecars;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which sidecar deaths are reported while COMMAND runs: a table of before → after. */
class DeathsTest {
    private static final List<Sidecars.Sidecar> SIDECARS = List.of(new Sidecars.Sidecar("proxy", false));

    static Stream<Arguments> cases() {
        ContainerStatus running = TestPods.running("proxy", true);
        ContainerStatus exited = TestPods.terminated("proxy", 137);
        ContainerStatus restarted = new ContainerStatusBuilder(TestPods.running("proxy", false)).withRestartCount(2)
                .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").endTerminated().endLastState()
                .build();
        return Stream.of(
                Arguments.of("still running", running, running, List.of()),
                Arguments.of("exited", running, exited,
                        List.of("Sidecar proxy exited with code 137 (Error) while COMMAND runs (restarted 0 times before)")),
                Arguments.of("still exited: said once", exited, exited, List.of()),
                Arguments.of("restarted", running, restarted,
                        List.of("Sidecar proxy died with exit code 1 (Error) while COMMAND runs and was restarted (restart count 2)")),
                Arguments.of("restarted, seen again", restarted, restarted, List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsEachDeathOnce(String name, ContainerStatus before, ContainerStatus after, List<String> expected) {
        assertEquals(expected, Deaths.between(pod(before), pod(after), SIDECARS));
    }

    private static Pod pod(ContainerStatus proxy) {
        return new PodBuilder(TestPods.pod("job", List.of("proxy"), List.of()))
                .editStatus().withContainerStatuses(TestPods.running("main", true), proxy).endStatus().build();
    }
}
