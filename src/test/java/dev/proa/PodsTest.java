package dev.proa;

import dev.proa.sidecars.Pods;
import dev.proa.sidecars.Readiness;
import dev.proa.sidecars.Sidecars;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Reading a Pod from the API server's JSON keeps every field the decisions read, exactly. */
class PodsTest {
    static Stream<Arguments> pods() {
        Pod base = TestPods.pod("job", List.of("proxy", "db"), List.of("mesh"));
        ContainerStatus restarted = new ContainerStatusBuilder(TestPods.running("db", false)).withRestartCount(3)
                .withNewLastState().withNewTerminated().withExitCode(137).withReason("OOMKilled").withMessage("killed")
                .endTerminated().endLastState().build();
        return Stream.of(
                Arguments.of("none ready", base),
                Arguments.of("ready, stuck, restarted", new PodBuilder(base).editStatus().withContainerStatuses(
                        TestPods.running("main", true), TestPods.waiting("proxy", "ImagePullBackOff", "Back-off pulling"),
                        restarted).endStatus().build()),
                Arguments.of("terminated, OnFailure, no grace period", new PodBuilder(base)
                        .editSpec().withRestartPolicy("OnFailure").withTerminationGracePeriodSeconds(null).endSpec()
                        .editStatus().withContainerStatuses(TestPods.terminated("proxy", 0), TestPods.terminated("db", 2))
                        .endStatus().build()),
                Arguments.of("no status yet", new PodBuilder(base).withStatus(null).build()),
                Arguments.of("what recognition reads: image, command, args, env, ports, annotations", new PodBuilder(base)
                        .editMetadata().addToAnnotations("status.sidecar.istio.io/port", "15021").endMetadata()
                        .editSpec().editContainer(1).withImage("docker.io/istio/proxyv2:1.24.0")
                        .withCommand("/usr/local/bin/pilot-agent").withArgs("proxy", "sidecar", "--concurrency", "2")
                        .addNewEnv().withName("LINKERD2_PROXY_SHUTDOWN_ENDPOINT_ENABLED").withValue("true").endEnv()
                        .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                        .endFieldRef().endValueFrom().endEnv()
                        .addNewPort().withName("admin").withContainerPort(9901).withProtocol("TCP").endPort()
                        .addNewPort().withContainerPort(15090).endPort()
                        .endContainer().endSpec().build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pods")
    void keepsWhatTheDecisionsRead(String name, Pod pod) {
        Pod read = Pods.fromResource(Serialization.unmarshal(Serialization.asJson(pod), GenericKubernetesResource.class));

        assertEquals(pod.getMetadata(), read.getMetadata());
        assertEquals(pod.getSpec().getRestartPolicy(), read.getSpec().getRestartPolicy());
        assertEquals(pod.getSpec().getTerminationGracePeriodSeconds(), read.getSpec().getTerminationGracePeriodSeconds());
        assertEquals(names(pod.getSpec().getContainers()), names(read.getSpec().getContainers()));
        assertEquals(names(pod.getSpec().getInitContainers()), names(read.getSpec().getInitContainers()));
        assertEquals(pod.getSpec().getInitContainers().stream().map(c -> c.getRestartPolicy()).toList(),
                read.getSpec().getInitContainers().stream().map(c -> c.getRestartPolicy()).toList());
        assertEquals(recognized(pod.getSpec().getContainers()), recognized(read.getSpec().getContainers()));
        assertEquals(recognized(pod.getSpec().getInitContainers()), recognized(read.getSpec().getInitContainers()));
        List<ContainerStatus> statuses = pod.getStatus() == null ? List.of() : pod.getStatus().getContainerStatuses();
        List<ContainerStatus> initStatuses = pod.getStatus() == null ? List.of() : pod.getStatus().getInitContainerStatuses();
        assertEquals(statuses, read.getStatus().getContainerStatuses());
        assertEquals(initStatuses, read.getStatus().getInitContainerStatuses());
        for (Sidecars.Choice choice : List.of(Sidecars.Choice.ALL, new Sidecars.Choice(null, List.of("mesh"), List.of()))) {
            assertEquals(Readiness.judge(pod, choice), Readiness.judge(read, choice));
        }
    }

    /** What recognizing a sidecar reads of each container; an env value from elsewhere (valueFrom) is not in the spec. */
    private static List<String> recognized(List<io.fabric8.kubernetes.api.model.Container> containers) {
        return containers.stream().map(c -> c.getImage() + " " + c.getCommand() + " " + c.getArgs() + " "
                + c.getEnv().stream().map(e -> e.getName() + "=" + e.getValue()).toList() + " "
                + c.getPorts().stream().map(p -> p.getName() + ":" + p.getContainerPort()).toList()).toList();
    }

    private static List<String> names(List<io.fabric8.kubernetes.api.model.Container> containers) {
        return containers.stream().map(c -> c.getName()).toList();
    }
}
