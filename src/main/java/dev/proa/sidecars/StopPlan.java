package dev.proa.sidecars;

import dev.proa.sidecars.KnownSidecars.Known;
import dev.proa.sidecars.Sidecars.Sidecar;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How each sidecar will be stopped, and why: a value, decided once from the Pod and the options, that the startup logs,
 * the shutdown carries out, and the hints for what went wrong come from (the words are {@link StopWords}'). Explicit shutdown options replace recognition;
 * without them each recognized regular sidecar is stopped its own way ({@link KnownSidecars}); native sidecars need
 * nothing (the kubelet stops them once proa's container has exited).
 */
public record StopPlan(List<Step> steps, List<Request> requests) {

    /** A shutdown request, and what it is known to be for ({@code known} may be null). */
    public record Request(String method, String url, Known known) {}

    /**
     * The options that decide the plan. {@code options}: the shutdown options given, as given
     * ({@code --shutdown-http-post=http://...}); {@code requests}: their requests; {@code auto}: --shutdown-auto.
     */
    public record Options(List<String> options, List<Request> requests, boolean auto) {
        public boolean given() {
            return !options.isEmpty();
        }

        /** From the shutdown's settings. */
        public static Options of(dev.proa.config.Settings.Stop asked) {
            return new Options(asked.given(), asked.requests().stream()
                    .map(r -> new Request(r.method(), r.url().toString(), null)).toList(), asked.auto());
        }
    }

    /** How one sidecar is stopped. */
    public sealed interface How {}

    /** A native sidecar: the kubelet stops it. */
    public record Native() implements How {}

    /** By the shutdown options given, whatever proa recognized. */
    public record ByOptions(String options) implements How {}

    /** Recognized: this request stops it. */
    public record Called(KnownSidecars.Call call) implements How {}

    /** Recognized, but its request is not there (not enabled, no port): why, and what fixes it. */
    public record NotCallable(KnownSidecars.CannotCall cannot) implements How {}

    /** Not recognized, and no option given. */
    public record Unknown() implements How {}

    /** --shutdown-auto=false and no option given; {@code would}: what recognition would have done, if anything. */
    public record Off(Optional<KnownSidecars.Stop> would) implements How {}

    /** One sidecar's line of the plan. */
    public record Step(String sidecar, Optional<Known> known, How how) {
        /** Whether the Pod will not complete because of this sidecar, as far as proa can tell. */
        public boolean warn() {
            return how instanceof NotCallable || how instanceof Unknown || how instanceof Off;
        }
    }

    /** The plan for {@code sidecars} of {@code pod}, under {@code options}. */
    public static StopPlan of(Pod pod, List<Sidecar> sidecars, Options options) {
        Map<String, String> annotations = pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
                ? Map.of() : pod.getMetadata().getAnnotations();
        List<Step> steps = new ArrayList<>();
        List<Request> requests = new ArrayList<>();
        List<KnownSidecars.Call> recognized = new ArrayList<>();
        for (Sidecar sidecar : sidecars) {
            Container container = container(pod, sidecar.name());
            Optional<Known> known = container == null ? Optional.empty() : KnownSidecars.recognize(container);
            Optional<KnownSidecars.Stop> stop = known.map(k -> KnownSidecars.stop(k, container, annotations));
            stop.filter(s -> s instanceof KnownSidecars.Call).map(s -> (KnownSidecars.Call) s).ifPresent(recognized::add);
            How how;
            if (sidecar.isNative()) {
                how = new Native();
            } else if (options.given()) {
                how = new ByOptions(String.join(", ", options.options()));
            } else if (!options.auto()) {
                how = new Off(stop);
            } else if (stop.isPresent()) {
                how = switch (stop.get()) {
                    case KnownSidecars.Call c -> new Called(c);
                    case KnownSidecars.CannotCall c -> new NotCallable(c);
                };
                if (how instanceof Called c) requests.add(new Request(c.call().method(), c.call().url(), c.call().known()));
            } else {
                how = new Unknown();
            }
            steps.add(new Step(sidecar.name(), known, how));
        }
        if (options.given()) {
            for (Request request : options.requests()) requests.add(new Request(request.method(), request.url(),
                    recognized.stream().filter(c -> port(request.url()) != -1 && port(c.url()) == port(request.url()))
                            .map(KnownSidecars.Call::known).findFirst().orElse(null)));
        }
        return new StopPlan(List.copyOf(steps), List.copyOf(requests));
    }

    /** Without a Pod (it was never seen, or proa does not watch it): the options' requests alone. */
    public static StopPlan withoutPod(Options options) {
        return new StopPlan(List.of(), options.requests());
    }

    /** The plan's step for {@code sidecar}, if it has one. */
    public Optional<Step> step(String sidecar) {
        return steps.stream().filter(s -> s.sidecar().equals(sidecar)).findFirst();
    }

    private static Container container(Pod pod, String name) {
        return Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                .filter(c -> name.equals(c.getName())).findFirst().orElse(null);
    }

    /**
     * The URL's port as written, read by the JDK's parser (-1 when it has none, or it is not one the JDK can read: then
     * it is not any recognized sidecar's own, whose URLs proa writes with a port).
     */
    private static int port(String url) {
        try {
            return java.net.URI.create(url).getPort();
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
