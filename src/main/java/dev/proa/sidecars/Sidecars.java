package dev.proa.sidecars;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Which of the Pod's containers are the sidecars proa waits for and stops: every container but proa's own, plus the
 * native sidecars (init containers with {@code restartPolicy: Always}), less {@code --ignore}, or exactly
 * {@code --wait-for}. Pure functions of the Pod and the options.
 */
public final class Sidecars {

    /** A sidecar; a native one is an init container that the kubelet restarts and stops by itself. */
    public record Sidecar(String name, boolean isNative) {}

    /**
     * The options that choose the sidecars. {@code ownContainer} is --container, or null; then proa's container is
     * {@code detectedContainer} (see {@link OwnContainer}) when the Pod has it, else the Pod's first container.
     * {@code mains}: the other main containers (--main, see {@link Mains}), which are not sidecars.
     */
    public record Choice(String ownContainer, String detectedContainer, List<String> waitFor, List<String> ignore,
            List<String> mains) {
        public static final Choice ALL = new Choice(null, List.of(), List.of());

        public Choice(String ownContainer, List<String> waitFor, List<String> ignore) {
            this(ownContainer, null, waitFor, ignore);
        }

        public Choice(String ownContainer, String detectedContainer, List<String> waitFor, List<String> ignore) {
            this(ownContainer, detectedContainer, waitFor, ignore, List.of());
        }

        /**
         * The sidecars the shutdown stops and waits for: every one but --ignore's. --wait-for chooses what the startup
         * waits for, not what must stop for the Pod to complete.
         */
        public Choice stopped() {
            return new Choice(ownContainer, detectedContainer, List.of(), ignore, mains);
        }
    }

    /** The Pod is not one proa can run in: it lacks a container the options name, or is malformed ({@link Pods#shape}). */
    public static final class NotInPod extends Exception {
        public NotInPod(String message) {
            super(message);
        }
    }

    private Sidecars() {}

    public static List<Sidecar> select(Pod pod, Choice choice) throws NotInPod {
        String own = ownContainer(pod, choice);
        List<String> mains = Mains.others(pod, choice);
        Map<String, Sidecar> candidates = new LinkedHashMap<>();
        for (Container c : pod.getSpec().getContainers()) {
            if (!c.getName().equals(own) && !mains.contains(c.getName())) {
                candidates.put(c.getName(), new Sidecar(c.getName(), false));
            }
        }
        for (Container c : pod.getSpec().getInitContainers()) {
            if ("Always".equals(c.getRestartPolicy())) candidates.put(c.getName(), new Sidecar(c.getName(), true));
        }
        if (choice.waitFor().isEmpty()) {
            List<Sidecar> chosen = new ArrayList<>(candidates.values());
            chosen.removeIf(s -> choice.ignore().contains(s.name()));
            return chosen;
        }
        List<Sidecar> chosen = new ArrayList<>();
        for (String name : choice.waitFor()) {
            Sidecar sidecar = candidates.get(name);
            if (sidecar == null) {
                throw new NotInPod("--wait-for=" + name + " names no sidecar of Pod " + Pods.describe(pod)
                        + "; its sidecars are: " + namesOrNone(candidates.keySet().stream()));
            }
            chosen.add(sidecar);
        }
        return chosen;
    }

    /** proa's own container: {@code --container}, else the one it runs in (when known), else the Pod's first. */
    public static String ownContainer(Pod pod, Choice choice) throws NotInPod {
        if (Pods.shape(pod) instanceof Pods.Malformed malformed) throw new NotInPod(malformed.why());
        List<Container> containers = pod.getSpec().getContainers();
        if (choice.ownContainer() == null) {
            String detected = choice.detectedContainer();
            boolean known = detected != null && containers.stream().anyMatch(c -> c.getName().equals(detected));
            return known ? detected : containers.getFirst().getName();
        }
        if (containers.stream().noneMatch(c -> c.getName().equals(choice.ownContainer()))) {
            throw new NotInPod("--container=" + choice.ownContainer() + " is not a container of Pod " + Pods.describe(pod)
                    + "; its containers are: " + namesOrNone(containers.stream().map(Container::getName)));
        }
        return choice.ownContainer();
    }

    /** The regular sidecars that have not terminated yet: those proa waits for in the shutdown. */
    public static List<String> stillRunning(Pod pod, List<Sidecar> sidecars) {
        return sidecars.stream()
                .filter(s -> !s.isNative())
                .filter(s -> {
                    ContainerStatus status = Pods.status(pod, s.name());
                    return status == null || status.getState() == null || status.getState().getTerminated() == null;
                })
                .map(Sidecar::name)
                .toList();
    }

    public static String names(List<Sidecar> sidecars) {
        return namesOrNone(sidecars.stream().map(Sidecar::name));
    }

    static String namesOrNone(Stream<String> names) {
        String joined = String.join(", ", names.filter(Objects::nonNull).toList());
        return joined.isEmpty() ? "(none)" : joined;
    }
}
