package dev.proa.sidecars;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * The other main containers ({@code --main}): containers beside proa's own that do the Pod's work, each with a proa of
 * its own. They are not sidecars. Once COMMAND has exited, whose turn is it to stop the sidecars?
 * <p>
 * The rule: the main container that comes last in the Pod's {@code spec.containers} among those still running. proa's
 * own container runs while it decides, so a proa that sees a main container after its own still running leaves the
 * sidecars to that one's proa and exits; otherwise it waits until every other main container has terminated for
 * good, then stops them. The order is the Pod's, which every proa reads alike; nothing depends on which COMMAND exits
 * first, or on how fresh a proa's view of the Pod is (a view can only lag, showing a container still running that has
 * terminated, never the reverse): the last one's proa never exits before the others have terminated, so no other
 * proa ever finds it terminated, and it alone sends the requests. Pure functions of the Pod and the options.
 */
public final class Mains {
    private Mains() {}

    /** A main container that has not terminated for good, and what it is doing, in words. */
    public record Running(String name, String state) {
        @Override
        public String toString() {
            return name + " (" + state + ")";
        }
    }

    /** Whose turn it is to stop the sidecars, now that COMMAND has exited. */
    public sealed interface Turn {}

    /** Every other main container ({@code others}) has terminated for good: this proa stops the sidecars now. */
    public record Last(List<String> others) implements Turn {}

    /** Only main containers before proa's own still run: wait until they have terminated, then stop the sidecars. */
    public record Wait(List<Running> running) implements Turn {}

    /** {@code later} comes after proa's own container in the Pod and still runs: its proa stops the sidecars. */
    public record LeaveTo(Running later) implements Turn {}

    /**
     * The other main containers, in the Pod's order: {@code --main} less proa's own container. A name that is not a
     * container of the Pod fails (an init container cannot be one: the Pod's work runs in its containers).
     */
    public static List<String> others(Pod pod, Sidecars.Choice choice) throws Sidecars.NotInPod {
        if (choice.mains().isEmpty()) return List.of();
        String own = Sidecars.ownContainer(pod, choice); // first: it says what is wrong with a malformed Pod
        List<String> containers = pod.getSpec().getContainers().stream().map(Container::getName).toList();
        for (String main : choice.mains()) {
            if (!containers.contains(main)) {
                throw new Sidecars.NotInPod("--main=" + main + " is not a container of Pod " + Pods.describe(pod)
                        + "; its containers are: " + Sidecars.namesOrNone(containers.stream()));
            }
        }
        return containers.stream().filter(c -> !c.equals(own) && choice.mains().contains(c)).toList();
    }

    public static Turn turn(Pod pod, Sidecars.Choice choice) throws Sidecars.NotInPod {
        String own = Sidecars.ownContainer(pod, choice);
        List<String> order = pod.getSpec().getContainers().stream().map(Container::getName).toList();
        List<Running> before = new ArrayList<>();
        List<String> others = others(pod, choice);
        for (String main : others) {
            String state = stillRunning(pod, main);
            if (state == null) continue;
            if (order.indexOf(main) > order.indexOf(own)) return new LeaveTo(new Running(main, state));
            before.add(new Running(main, state));
        }
        return before.isEmpty() ? new Last(others) : new Wait(List.copyOf(before));
    }

    /**
     * What the main container is doing, or null once it has terminated for good: terminated, and not about to be
     * restarted in place by its own or the Pod's restartPolicy.
     */
    static String stillRunning(Pod pod, String main) {
        ContainerStatus status = Pods.status(pod, main);
        ContainerState state = status == null ? null : status.getState();
        if (state == null) return "not started yet";
        ContainerStateTerminated ended = state.getTerminated();
        Sidecars.Sidecar container = new Sidecars.Sidecar(main, false);
        if (ended != null) {
            if (!Readiness.willRestart(pod, container, ended)) return null;
            return Readiness.describeEnd(ended) + ", will be restarted (restartPolicy "
                    + Readiness.restartPolicy(pod, container) + ")";
        }
        if (state.getWaiting() != null) {
            String reason = state.getWaiting().getReason();
            return "waiting" + (reason == null ? "" : ": " + reason);
        }
        return "running";
    }
}
