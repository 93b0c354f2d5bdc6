package dev.proa.lifecycle;

import java.util.List;

/**
 * Where readiness is read from: the Pod (its containers' statuses, through the Kubernetes API) and the
 * {@code --wait-http}/{@code --wait-tcp} targets that proa probes itself, named as the logs name them. Either or both.
 */
public record Sources(boolean pod, List<String> targets) {
    public Sources {
        targets = List.copyOf(targets);
    }

    public boolean probes() {
        return !targets.isEmpty();
    }
}
