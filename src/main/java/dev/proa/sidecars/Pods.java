package dev.proa.sidecars;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerRestartRule;
import io.fabric8.kubernetes.api.model.ContainerRestartRuleOnExitCodes;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateRunning;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Small lookups on a Pod that the decisions share, and the reading of a Pod from the API server's JSON.
 * <p>
 * proa watches its Pod as a generic resource (a tree of maps) and copies into a fabric8 {@link Pod} only the fields its
 * decisions read. Letting Jackson bind the whole Pod model instead loads some 1,000 classes (every volume, probe and
 * security type) at every start: about 100 ms of CPU, and memory held for the whole run.
 */
public final class Pods {
    private Pods() {}

    /**
     * The Pod in {@code resource}, with the fields proa reads: names, restart policies and rules, grace period,
     * statuses, and what recognizing a sidecar needs of each container (image, command, args, plain env values, ports).
     * It never fails: a field of the wrong kind is read as absent, except a list of containers or statuses that is not
     * a list, which is kept as null for {@link #shape} to name. Whether proa can run in the Pod is {@link #shape}'s to say.
     */
    public static Pod fromResource(GenericKubernetesResource resource) {
        Map<String, Object> spec = map(resource.getAdditionalProperties().get("spec"));
        Map<String, Object> status = map(resource.getAdditionalProperties().get("status"));
        PodSpec podSpec = new PodSpec();
        podSpec.setRestartPolicy(string(spec.get("restartPolicy")));
        podSpec.setTerminationGracePeriodSeconds(number(spec.get("terminationGracePeriodSeconds")));
        podSpec.setContainers(listOrNull(spec.get("containers"), Pods::container));
        podSpec.setInitContainers(listOrNull(spec.get("initContainers"), Pods::container));
        podSpec.setShareProcessNamespace(spec.get("shareProcessNamespace") instanceof Boolean b ? b : null);
        PodStatus podStatus = new PodStatus();
        podStatus.setPhase(string(status.get("phase")));
        podStatus.setContainerStatuses(listOrNull(status.get("containerStatuses"), Pods::containerStatus));
        podStatus.setInitContainerStatuses(listOrNull(status.get("initContainerStatuses"), Pods::containerStatus));
        Pod pod = new Pod();
        pod.setMetadata(resource.getMetadata());
        pod.setSpec(podSpec);
        pod.setStatus(podStatus);
        return pod;
    }

    private static Container container(Map<String, Object> fields) {
        Container container = new Container();
        container.setName(string(fields.get("name")));
        container.setRestartPolicy(string(fields.get("restartPolicy")));
        container.setRestartPolicyRules(list(fields.get("restartPolicyRules"), Pods::restartRule));
        container.setImage(string(fields.get("image")));
        container.setCommand(strings(fields.get("command")));
        container.setArgs(strings(fields.get("args")));
        container.setEnv(list(fields.get("env"), Pods::envVar));
        container.setPorts(list(fields.get("ports"), Pods::port));
        return container;
    }

    /**
     * A container restart rule (KEP-5307: {@code action: Restart} when the exit code is {@code In} or {@code NotIn}
     * {@code values}), which decides whether the kubelet restarts proa's own container. fabric8 7.8.0's model carries
     * the field ({@link ContainerRestartRule}); a value that is not a whole number is dropped, as matching nothing.
     */
    private static ContainerRestartRule restartRule(Map<String, Object> fields) {
        ContainerRestartRule rule = new ContainerRestartRule();
        rule.setAction(string(fields.get("action")));
        if (fields.get("exitCodes") instanceof Map<?, ?> c) {
            Map<String, Object> codes = map(c);
            List<Integer> values = new ArrayList<>();
            if (codes.get("values") instanceof List<?> l) {
                for (Object value : l) if (number(value) != null) values.add(number(value).intValue());
            }
            rule.setExitCodes(new ContainerRestartRuleOnExitCodes(string(codes.get("operator")), values));
        }
        return rule;
    }

    /** A variable's literal value only: one from a Secret or the downward API is not in the spec, and stays null. */
    private static EnvVar envVar(Map<String, Object> fields) {
        return new EnvVar(string(fields.get("name")), string(fields.get("value")), null);
    }

    private static ContainerPort port(Map<String, Object> fields) {
        ContainerPort port = new ContainerPort();
        port.setName(string(fields.get("name")));
        Long number = number(fields.get("containerPort"));
        port.setContainerPort(number == null ? null : number.intValue());
        return port;
    }

    private static ContainerStatus containerStatus(Map<String, Object> fields) {
        ContainerStatus status = new ContainerStatus();
        status.setName(string(fields.get("name")));
        status.setContainerID(string(fields.get("containerID")));
        status.setReady(fields.get("ready") instanceof Boolean b ? b : null);
        Long restarts = number(fields.get("restartCount"));
        status.setRestartCount(restarts == null ? null : restarts.intValue());
        status.setState(state(fields.get("state")));
        status.setLastState(state(fields.get("lastState")));
        return status;
    }

    private static ContainerState state(Object value) {
        if (!(value instanceof Map<?, ?>)) return null;
        Map<String, Object> fields = map(value);
        ContainerState state = new ContainerState();
        if (fields.get("waiting") instanceof Map<?, ?> w) {
            Map<String, Object> waiting = map(w);
            ContainerStateWaiting stuck = new ContainerStateWaiting();
            stuck.setReason(string(waiting.get("reason")));
            stuck.setMessage(string(waiting.get("message")));
            state.setWaiting(stuck);
        }
        if (fields.get("running") instanceof Map<?, ?> r) {
            ContainerStateRunning running = new ContainerStateRunning();
            running.setStartedAt(string(map(r).get("startedAt")));
            state.setRunning(running);
        }
        if (fields.get("terminated") instanceof Map<?, ?> t) {
            Map<String, Object> ended = map(t);
            ContainerStateTerminated terminated = new ContainerStateTerminated();
            Long code = number(ended.get("exitCode"));
            terminated.setExitCode(code == null ? null : code.intValue());
            terminated.setReason(string(ended.get("reason")));
            terminated.setMessage(string(ended.get("message")));
            state.setTerminated(terminated);
        }
        return state;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static <T> List<T> list(Object value, Function<Map<String, Object>, T> read) {
        List<T> items = new ArrayList<>();
        if (value instanceof List<?> l) {
            for (Object item : l) items.add(read.apply(map(item)));
        }
        return items;
    }

    /** The list, empty when absent, null when it is something else (a string, a number, a map). */
    private static <T> List<T> listOrNull(Object value, Function<Map<String, Object>, T> read) {
        return value == null || value instanceof List<?> ? list(value, read) : null;
    }

    private static List<String> strings(Object value) {
        List<String> items = new ArrayList<>();
        if (value instanceof List<?> l) {
            for (Object item : l) items.add(string(item));
        }
        return items;
    }

    private static String string(Object value) {
        return value == null ? null : value.toString();
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    /** Whether proa can run in a Pod as {@link #fromResource} read it: a verdict of the pure reader. */
    public sealed interface Shape {}

    /** Every container has a name of its own; the lists are lists. */
    public record Usable() implements Shape {}

    /** {@code why}: what is wrong with the Pod, in one sentence naming it. */
    public record Malformed(String why) implements Shape {}

    /**
     * Whether the Pod has what proa reads: containers, each named, no name twice, and lists where lists belong. An API
     * server never sends such a Pod; a proxy, a mutating webhook gone wrong or a test's fake can.
     */
    public static Shape shape(Pod pod) {
        String name = "Pod " + describe(pod);
        PodSpec spec = pod.getSpec();
        if (spec == null || spec.getContainers() != null && spec.getContainers().isEmpty()) {
            return new Malformed(name + " has no containers in its spec");
        }
        if (spec.getContainers() == null) return new Malformed(name + " has no list of containers: its spec.containers is not a list");
        if (spec.getInitContainers() == null) return new Malformed(name + "'s spec.initContainers is not a list");
        PodStatus status = pod.getStatus();
        if (status != null && status.getContainerStatuses() == null) {
            return new Malformed(name + "'s status.containerStatuses is not a list");
        }
        if (status != null && status.getInitContainerStatuses() == null) {
            return new Malformed(name + "'s status.initContainerStatuses is not a list");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (String list : List.of("container", "init container")) {
            List<Container> containers = list.equals("container") ? spec.getContainers() : spec.getInitContainers();
            for (int i = 0; i < containers.size(); i++) {
                String container = containers.get(i).getName();
                if (container == null || container.isBlank()) {
                    return new Malformed(list + " #" + (i + 1) + " of " + name + " has no name");
                }
                if (!names.add(container)) return new Malformed(name + " has two containers named " + container);
            }
        }
        return new Usable();
    }

    /** "namespace/name", as an operator types it into kubectl. */
    public static String describe(Pod pod) {
        return pod.getMetadata() == null ? "(unnamed)"
                : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    /** The status of the named container or init container, or null when the kubelet has not reported one. */
    public static ContainerStatus status(Pod pod, String container) {
        if (pod.getStatus() == null) return null;
        return Stream.concat(orEmpty(pod.getStatus().getContainerStatuses()).stream(),
                        orEmpty(pod.getStatus().getInitContainerStatuses()).stream())
                .filter(s -> container.equals(s.getName()))
                .findFirst()
                .orElse(null);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
