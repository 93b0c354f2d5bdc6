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
 * How each sidecar will be stopped, and why, and in which order: a value, decided once from the Pod and the options,
 * that the startup logs, the shutdown carries out, and the hints for what went wrong come from (the words are
 * {@link StopWords}'). A bound option ({@code -p NAME=URL}) replaces sidecar NAME's own way; unbound options
 * ({@code -p URL}, {@code -k}, {@code -K}) replace recognition for every sidecar no bound option names; without them
 * each recognized regular sidecar is stopped its own way ({@link KnownSidecars}); native sidecars need nothing (the
 * kubelet stops them once proa's container has exited).
 * <p>
 * The regular sidecars are stopped in phases ({@code phases} of them, numbered from 0): by {@code --shutdown-order},
 * else the mesh proxies last and the rest first. A phase with no sidecar in it is dropped. Unbound requests, and
 * bound ones naming no sidecar of the Pod, go with the first phase: proa cannot tell what they stop. Native sidecars
 * are in none ({@link #NO_PHASE}); a request bound to one goes with the first phase. {@code sharedProcesses}: the Pod
 * has {@code shareProcessNamespace: true}, so a sidecar that answers its request and keeps running can be sent SIGTERM
 * ({@link #escalates}).
 */
public record StopPlan(List<Step> steps, List<Request> requests, int phases, boolean sharedProcesses,
        List<Stray> strays) {
    /** A plan of one phase, in a Pod that does not share its process namespace. */
    public StopPlan(List<Step> steps, List<Request> requests) {
        this(steps, requests, 1, false, List.of());
    }

    /** The phase of what is in none: a native sidecar. */
    public static final int NO_PHASE = -1;

    /**
     * A shutdown request, and what it is known to be for ({@code known} may be null); {@code sidecar}: the sidecar it
     * stops, when proa knows (recognized, or bound by the option); {@code phase}: the phase it is sent in.
     */
    public record Request(String method, String url, Known known, Optional<String> sidecar, int phase) {
        public Request(String method, String url, Known known) {
            this(method, url, known, Optional.empty(), 0);
        }
    }

    /** A name an option gives that is no sidecar of the Pod: {@code option} as written. */
    public record Stray(String option, String name) {}

    /**
     * The options that decide the plan. {@code options}: the shutdown options given, as given
     * ({@code --shutdown-http-post=http://...}); {@code requests}: their requests (bound to a sidecar or not);
     * {@code auto}: --shutdown-auto; {@code order}: --shutdown-order's phases (empty: the default order).
     */
    public record Options(List<String> options, List<Request> requests, boolean auto, List<List<String>> order) {
        public Options(List<String> options, List<Request> requests, boolean auto) {
            this(options, requests, auto, List.of());
        }

        /** Whether unbound options were given (-p URL, -g URL, -k, -K), which replace recognition for all. */
        public boolean given() {
            return options.size() > bound().size();
        }

        List<Request> bound() {
            return requests.stream().filter(r -> r.sidecar().isPresent()).toList();
        }

        /** The options as written, of the requests bound to {@code sidecar}. */
        List<String> boundTo(String sidecar) {
            List<String> written = new ArrayList<>();
            for (int i = 0; i < requests.size() && i < options.size(); i++) {
                if (requests.get(i).sidecar().equals(Optional.of(sidecar))) written.add(options.get(i));
            }
            return written;
        }

        /** The unbound options as written. */
        List<String> unbound() {
            List<String> written = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                if (i >= requests.size() || requests.get(i).sidecar().isEmpty()) written.add(options.get(i));
            }
            return written;
        }

        /** From the shutdown's settings (whose requests come first among the options as written). */
        public static Options of(dev.proa.config.Settings.Stop asked) {
            return new Options(asked.given(), asked.requests().stream()
                    .map(r -> new Request(r.method(), r.url().toString(), null, r.sidecar(), 0)).toList(),
                    asked.auto(), asked.order());
        }
    }

    /** How one sidecar is stopped. */
    public sealed interface How {}

    /** A native sidecar: the kubelet stops it. */
    public record Native() implements How {}

    /**
     * A native sidecar with options bound to it ({@code -p NAME=URL}): the kubelet stops it after proa exits; the
     * request is sent anyway, in the first phase (it may flush the sidecar early, which is the user's call).
     */
    public record NativeBound(String options) implements How {}

    /** By the unbound shutdown options given, whatever proa recognized. */
    public record ByOptions(String options) implements How {}

    /** By the options bound to it ({@code -p NAME=URL}), whatever proa recognized. */
    public record Bound(String options) implements How {}

    /** Recognized: this request stops it. */
    public record Called(KnownSidecars.Call call) implements How {}

    /** Recognized, but its request is not there (not enabled, no port): why, and what fixes it. */
    public record NotCallable(KnownSidecars.CannotCall cannot) implements How {}

    /** Not recognized, and no option given. */
    public record Unknown() implements How {}

    /** --shutdown-auto=false and no option given; {@code would}: what recognition would have done, if anything. */
    public record Off(Optional<KnownSidecars.Stop> would) implements How {}

    /** One sidecar's line of the plan; {@code phase}: when it is stopped ({@link #NO_PHASE} for a native one). */
    public record Step(String sidecar, Optional<Known> known, How how, int phase) {
        public Step(String sidecar, Optional<Known> known, How how) {
            this(sidecar, known, how, 0);
        }

        /** Whether the Pod will not complete because of this sidecar, as far as proa can tell. */
        public boolean warn() {
            return how instanceof NotCallable || how instanceof Unknown || how instanceof Off;
        }

        /** Whether a request of its own asks it to stop (so an answer to it says the sidecar heard). */
        public boolean asked() {
            return how instanceof Called || how instanceof Bound;
        }
    }

    /** The plan for {@code sidecars} of {@code pod}, under {@code options}. */
    public static StopPlan of(Pod pod, List<Sidecar> sidecars, Options options) {
        Map<String, String> annotations = pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null
                ? Map.of() : pod.getMetadata().getAnnotations();
        List<Step> steps = new ArrayList<>();
        List<KnownSidecars.Call> recognized = new ArrayList<>();
        for (Sidecar sidecar : sidecars) {
            Container container = container(pod, sidecar.name());
            Optional<Known> known = container == null ? Optional.empty() : KnownSidecars.recognize(container);
            Optional<KnownSidecars.Stop> stop = known.map(k -> KnownSidecars.stop(k, container, annotations));
            stop.filter(s -> s instanceof KnownSidecars.Call).map(s -> (KnownSidecars.Call) s).ifPresent(recognized::add);
            List<String> bound = options.boundTo(sidecar.name());
            How how;
            if (sidecar.isNative()) {
                how = bound.isEmpty() ? new Native() : new NativeBound(String.join(", ", bound));
            } else if (!bound.isEmpty()) {
                how = new Bound(String.join(", ", bound));
            } else if (options.given()) {
                how = new ByOptions(String.join(", ", options.unbound()));
            } else if (!options.auto()) {
                how = new Off(stop);
            } else if (stop.isPresent()) {
                how = switch (stop.get()) {
                    case KnownSidecars.Call c -> new Called(c);
                    case KnownSidecars.CannotCall c -> new NotCallable(c);
                };
            } else {
                how = new Unknown();
            }
            steps.add(new Step(sidecar.name(), known, how, sidecar.isNative() ? NO_PHASE : 0));
        }
        List<Step> phased = Phasing.phases(steps, options.order());
        int phases = Math.max(1, phased.stream().mapToInt(Step::phase).max().orElse(0) + 1);
        List<Request> requests = new ArrayList<>();
        for (Step step : phased) {
            if (step.how() instanceof Called c) {
                requests.add(new Request(c.call().method(), c.call().url(), c.call().known(),
                        Optional.of(step.sidecar()), step.phase()));
            }
        }
        List<Stray> strays = new ArrayList<>();
        for (int i = 0; i < options.requests().size(); i++) {
            Request given = options.requests().get(i);
            Optional<Step> step = given.sidecar().flatMap(name -> phased.stream()
                    .filter(s -> s.sidecar().equals(name) && (s.how() instanceof Bound || s.how() instanceof NativeBound))
                    .findFirst());
            if (given.sidecar().isPresent() && step.isEmpty()) {
                strays.add(new Stray(i < options.options().size() ? options.options().get(i) : given.url(),
                        given.sidecar().get()));
            }
            Known known = step.isPresent() ? step.get().known().orElse(null) : recognized.stream()
                    .filter(c -> port(given.url()) != -1 && port(c.url()) == port(given.url()))
                    .map(KnownSidecars.Call::known).findFirst().orElse(null);
            requests.add(new Request(given.method(), given.url(), known, step.map(Step::sidecar),
                    step.map(Step::phase).filter(p -> p != NO_PHASE).orElse(0))); // a native's: the first phase
        }
        for (List<String> phase : options.order()) {
            for (String name : phase) {
                if (sidecars.stream().noneMatch(s -> s.name().equals(name))) strays.add(new Stray("--shutdown-order", name));
            }
        }
        boolean shared = pod.getSpec() != null && Boolean.TRUE.equals(pod.getSpec().getShareProcessNamespace());
        return new StopPlan(phased, List.copyOf(requests), phases, shared, List.copyOf(strays));
    }

    /**
     * Without a Pod (it was never seen, or proa does not watch it): the options' requests alone, in one phase, as
     * nothing tells when a sidecar has terminated.
     */
    public static StopPlan withoutPod(Options options) {
        return new StopPlan(List.of(), options.requests().stream()
                .map(r -> new Request(r.method(), r.url(), r.known(), r.sidecar(), 0)).toList(), 1, false, List.of());
    }

    /** The plan's step for {@code sidecar}, if it has one. */
    public Optional<Step> step(String sidecar) {
        return steps.stream().filter(s -> s.sidecar().equals(sidecar)).findFirst();
    }

    /** The regular sidecars of phase {@code phase}. */
    public List<String> inPhase(int phase) {
        return steps.stream().filter(s -> s.phase() == phase).map(Step::sidecar).toList();
    }

    /**
     * Whether {@code step}'s sidecar, if it answers its request and still runs at its phase's end, is sent SIGTERM:
     * only with a request of its own (else nothing says it heard) and a shared process namespace (else proa cannot
     * see its processes).
     */
    public boolean escalates(Step step) {
        return sharedProcesses && step.asked() && step.phase() != NO_PHASE;
    }

    /** The steps in the order they are carried out: phase by phase, the native sidecars (the kubelet's) last. */
    public List<Step> ordered() {
        return steps.stream().sorted(java.util.Comparator.comparingInt(
                s -> s.phase() == NO_PHASE ? Integer.MAX_VALUE : s.phase())).toList();
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
