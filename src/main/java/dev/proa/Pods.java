package dev.proa;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.stream.Stream;

/** Small lookups on a Pod that the decisions share. */
final class Pods {
    private Pods() {}

    /** "namespace/name", as an operator types it into kubectl. */
    static String describe(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** The status of the named container or init container, or null when the kubelet has not reported one. */
    static ContainerStatus status(Pod pod, String container) {
        if (pod.getStatus() == null) return null;
        return Stream.concat(pod.getStatus().getContainerStatuses().stream(),
                        pod.getStatus().getInitContainerStatuses().stream())
                .filter(s -> container.equals(s.getName()))
                .findFirst()
                .orElse(null);
    }
}
