package dev.proa.sidecars;

import dev.proa.sidecars.Sidecars.Sidecar;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Is the Pod ready for COMMAND, still waiting on some sidecars (and why), or failed (and why)? A pure function. */
public final class Readiness {

    /** The outcome of looking at one version of the Pod. */
    public sealed interface Verdict {}

    /** Every sidecar reports ready. */
    public record Ready(List<Sidecar> sidecars) implements Verdict {}

    /** Some sidecars are not ready yet; none has failed for good. */
    public record Waiting(List<Sidecar> sidecars, List<Pending> pending) implements Verdict {}

    /**
     * COMMAND must not run: a sidecar ended and will not be restarted ({@code sidecarEnded}), or the Pod is malformed
     * or lacks a container the options name.
     */
    public record Failed(String why, boolean sidecarEnded) implements Verdict {}

    /**
     * A sidecar that is not ready, and what it is doing instead. {@code stuckReason} is set when the kubelet reports a
     * reason that will not clear by itself (a bad image, a missing Secret, a crash loop), so an operator must act.
     */
    public record Pending(String container, String state, String stuckReason) {
        public boolean isStuck() {
            return stuckReason != null;
        }
    }

    /** Waiting reasons that mean a person has to fix something before the sidecar can ever start. */
    public static final Set<String> STUCK_REASONS = Set.of(
            "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull", "RegistryUnavailable",
            "CreateContainerConfigError", "CreateContainerError", "RunContainerError", "CrashLoopBackOff");

    private Readiness() {}

    public static Verdict judge(Pod pod, Sidecars.Choice choice) {
        List<Sidecar> sidecars;
        try {
            sidecars = Sidecars.select(pod, choice);
        } catch (Sidecars.NotInPod e) {
            return new Failed(e.getMessage(), false);
        }
        List<Pending> pending = new ArrayList<>();
        for (Sidecar sidecar : sidecars) {
            ContainerStatus status = Pods.status(pod, sidecar.name());
            if (status != null && Boolean.TRUE.equals(status.getReady())) continue;
            ContainerStateTerminated ended = terminated(status);
            if (ended != null && !willRestart(pod, sidecar, ended)) {
                return new Failed("sidecar " + sidecar.name() + " " + describeEnd(ended)
                        + " and will not be restarted (restartPolicy " + restartPolicy(pod, sidecar) + ")", true);
            }
            pending.add(pending(sidecar, status));
        }
        return pending.isEmpty() ? new Ready(sidecars) : new Waiting(sidecars, pending);
    }

    private static Pending pending(Sidecar sidecar, ContainerStatus status) {
        if (status == null || status.getState() == null) return new Pending(sidecar.name(), "not created yet", null);
        ContainerState state = status.getState();
        if (state.getWaiting() != null) {
            ContainerStateWaiting waiting = state.getWaiting();
            String reason = waiting.getReason() == null ? "waiting" : waiting.getReason();
            String text = waiting.getMessage() == null || waiting.getMessage().isBlank()
                    ? reason : reason + ": " + waiting.getMessage();
            return new Pending(sidecar.name(), "waiting: " + text, STUCK_REASONS.contains(reason) ? reason : null);
        }
        if (state.getTerminated() != null) {
            return new Pending(sidecar.name(), describeEnd(state.getTerminated()) + ", will be restarted", null);
        }
        return new Pending(sidecar.name(), "running, not ready yet", null);
    }

    private static ContainerStateTerminated terminated(ContainerStatus status) {
        return status == null || status.getState() == null ? null : status.getState().getTerminated();
    }

    /**
     * Native sidecars always restart; a regular one by the kubelet's rule ({@link Restarts#willRestart}: its own
     * restart rules and policy, else its Pod's).
     */
    static boolean willRestart(Pod pod, Sidecar sidecar, ContainerStateTerminated ended) {
        if (sidecar.isNative()) return true;
        Container container = pod.getSpec().getContainers().stream()
                .filter(c -> sidecar.name().equals(c.getName())).findFirst().orElse(null);
        if (container != null && ended.getExitCode() != null) {
            return Restarts.willRestart(pod, container, ended.getExitCode());
        }
        return switch (restartPolicy(pod, sidecar)) {
            case "Never" -> false;
            case "OnFailure" -> ended.getExitCode() == null || ended.getExitCode() != 0;
            default -> true;
        };
    }

    static String restartPolicy(Pod pod, Sidecar sidecar) {
        if (sidecar.isNative()) return "Always";
        String own = pod.getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(sidecar.name()))
                .findFirst().map(Container::getRestartPolicy).orElse(null);
        if (own != null) return own;
        return pod.getSpec().getRestartPolicy() == null ? "Always" : pod.getSpec().getRestartPolicy();
    }

    /** "exited with code N (Reason)": said the same way wherever a container's end is told. */
    public static String describeEnd(ContainerStateTerminated ended) {
        return "exited with code " + ended.getExitCode() + reason(ended);
    }

    public static String reason(ContainerStateTerminated ended) {
        return ended.getReason() == null ? "" : " (" + ended.getReason() + ")";
    }
}
