package dev.proa;

import dev.proa.sidecars.Pods;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;

/** Pods for the integration tests: a main container, sidecars and native sidecars, with the kubelet's statuses. */
public final class TestPods {
    private TestPods() {}

    /** A Pod in {@link MockCluster#NAMESPACE} whose first container is "main", then {@code sidecars}, none ready. */
    public static Pod pod(String name, List<String> sidecars, List<String> nativeSidecars) {
        List<ContainerStatus> statuses = new ArrayList<>();
        statuses.add(running("main", true));
        sidecars.forEach(s -> statuses.add(waiting(s, "ContainerCreating")));
        PodBuilder pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(MockCluster.NAMESPACE).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withTerminationGracePeriodSeconds(30L)
                .addToContainers(new ContainerBuilder().withName("main").withImage("app").build())
                .endSpec()
                .withNewStatus().withPhase("Pending").endStatus();
        for (String s : sidecars) pod.editSpec().addToContainers(new ContainerBuilder().withName(s).withImage(s).build()).endSpec();
        List<ContainerStatus> initStatuses = new ArrayList<>();
        for (String s : nativeSidecars) {
            pod.editSpec().addToInitContainers(new ContainerBuilder().withName(s).withImage(s).withRestartPolicy("Always").build()).endSpec();
            initStatuses.add(running(s, false));
        }
        return pod.editStatus().withContainerStatuses(statuses).withInitContainerStatuses(initStatuses).endStatus().build();
    }

    /**
     * A Pod like {@link #pod} with one sidecar written as its injector writes it ({@code sidecar}: its name, image,
     * args, env), and the Pod's {@code annotations}.
     */
    public static Pod pod(String name, io.fabric8.kubernetes.api.model.Container sidecar, java.util.Map<String, String> annotations) {
        Pod pod = pod(name, List.of(), List.of());
        pod.getMetadata().setAnnotations(annotations);
        pod.getSpec().getContainers().add(sidecar);
        pod.getStatus().getContainerStatuses().add(waiting(sidecar.getName(), "ContainerCreating"));
        return pod;
    }

    /**
     * A Pod whose containers are {@code mains} (the main containers, each running and ready, having no readiness
     * probe), then {@code sidecars}, none ready; restartPolicy Never.
     */
    public static Pod withMains(String name, List<String> mains, List<String> sidecars) {
        Pod pod = pod(name, sidecars, List.of());
        List<io.fabric8.kubernetes.api.model.Container> containers = new ArrayList<>();
        mains.forEach(m -> containers.add(new ContainerBuilder().withName(m).withImage("app").build()));
        containers.addAll(pod.getSpec().getContainers().subList(1, pod.getSpec().getContainers().size()));
        pod.getSpec().setContainers(containers);
        List<ContainerStatus> statuses = new ArrayList<>();
        mains.forEach(m -> statuses.add(running(m, true)));
        statuses.addAll(pod.getStatus().getContainerStatuses().subList(1, pod.getStatus().getContainerStatuses().size()));
        pod.getStatus().setContainerStatuses(statuses);
        return pod;
    }

    public static ContainerStatus running(String name, boolean ready) {
        return new ContainerStatusBuilder().withName(name).withReady(ready).withRestartCount(0)
                .withNewState().withNewRunning().withStartedAt("2026-11-21T00:00:00Z").endRunning().endState().build();
    }

    public static ContainerStatus waiting(String name, String reason) {
        return waiting(name, reason, null);
    }

    public static ContainerStatus waiting(String name, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withReady(false).withRestartCount(0)
                .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState().build();
    }

    public static ContainerStatus terminated(String name, int exitCode) {
        return new ContainerStatusBuilder().withName(name).withReady(false).withRestartCount(0)
                .withNewState().withNewTerminated().withExitCode(exitCode).withReason(exitCode == 0 ? "Completed" : "Error")
                .endTerminated().endState().build();
    }
}
