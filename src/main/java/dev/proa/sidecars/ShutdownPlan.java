package dev.proa.sidecars;

import dev.proa.config.Urls;
import dev.proa.sidecars.KnownSidecars.Known;
import dev.proa.sidecars.Sidecars.Sidecar;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How each sidecar will be stopped, and why: a value, decided once from the Pod and the options, that the startup logs,
 * the shutdown carries out, and the hints for what went wrong come from. Explicit shutdown options replace recognition;
 * without them each recognized regular sidecar is stopped its own way ({@link KnownSidecars}); native sidecars need
 * nothing (the kubelet stops them once proa's container has exited).
 */
public record ShutdownPlan(List<Step> steps, List<Request> requests) {

    /** What fixes a sidecar nobody knows how to stop, in general. */
    public static final String GENERAL_FIX = "give --shutdown-http-post=URL (or --shutdown-http-get=URL) of its shutdown"
            + " endpoint, or --kill=NAME with shareProcessNamespace: true; or run it as a native sidecar (an init"
            + " container with restartPolicy: Always), which the kubelet stops by itself";

    /** No Pod known, no options: nothing to do. */
    public static final ShutdownPlan NONE = new ShutdownPlan(List.of(), List.of());

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
        public static Options of(dev.proa.config.Settings.Shutdown asked) {
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

        /** The plan's line for this sidecar: how it is stopped, and why. */
        public String sentence() {
            return "Shutdown plan: sidecar " + sidecar + ": " + description();
        }

        /** How it is stopped, and why (for the plan's line, and {@code proa check}). */
        public String description() {
            String recognized = known.map(k -> "recognized as " + k.what()).orElse("");
            String willNot = ". The Pod will not complete after COMMAND exits unless " + sidecar + " exits by itself. Fix: ";
            return switch (how) {
                case Native n -> "a native sidecar, which the kubelet stops once proa's container has exited"
                        + known.map(k -> " (" + recognized + "; no request needed)").orElse("");
                case ByOptions b -> "stopped by the options given (" + b.options() + ")"
                        + known.map(k -> "; " + recognized + ", whose own way is not used: the options replace it").orElse("");
                case Called c -> c.call().method() + " " + Urls.printable(c.call().url()) + " (" + recognized + ", " + c.call().why() + ")";
                case NotCallable c -> recognized + ", but proa cannot stop it: " + c.cannot().why() + willNot + c.cannot().fix();
                case Unknown u -> "nothing known stops it (not a sidecar proa recognizes, and no shutdown option given)"
                        + willNot + GENERAL_FIX;
                case Off o -> "nothing stops it (--shutdown-auto=false, and no shutdown option given)" + willNot + switch (
                        o.would().orElse(null)) {
                    case KnownSidecars.Call c -> "give " + option(c.method()) + "=" + Urls.printable(c.url()) + " (" + recognized + ")";
                    case null, default -> GENERAL_FIX;
                };
            };
        }

        /** Why it may still run at the shutdown's end, and what fixes that. */
        public String stillRunning() {
            return "Sidecar " + sidecar + " is still running at the shutdown timeout: " + switch (how) {
                case Called c -> "it was asked (" + c.call().method() + " " + Urls.printable(c.call().url()) + ") and has not stopped;"
                        + " see that request's line above. If it answered 2xx, it may need longer: raise --shutdown-timeout";
                case ByOptions b -> "the options given (" + b.options() + ") did not stop it: check that one of them is"
                        + " meant for it" + known.map(k -> " (" + k.what() + " stops on " + k.method() + " " + k.path()
                                + ", port from " + KnownSidecars.portSources(k) + ")").orElse("") + ", or " + GENERAL_FIX;
                case NotCallable c -> c.cannot().why() + ". Fix: " + c.cannot().fix();
                case Unknown u -> "nothing asked it to stop. Fix: " + GENERAL_FIX;
                case Off o -> "nothing asked it to stop (--shutdown-auto=false). Fix: " + GENERAL_FIX;
                case Native n -> "the kubelet stops it after proa exits";
            };
        }

        /** What makes it exit 0 when it is stopped, so that its exit does not fail the Pod. */
        public String exitFix() {
            return known.map(Known::exitZero).orElse("make it exit 0 when it is asked to stop, or run it as a native"
                    + " sidecar (an init container with restartPolicy: Always), whose exit code does not decide the"
                    + " Pod's phase");
        }
    }

    /** The plan for {@code sidecars} of {@code pod}, under {@code options}. */
    public static ShutdownPlan of(Pod pod, List<Sidecar> sidecars, Options options) {
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
                    recognized.stream().filter(c -> port(c.url()).equals(port(request.url())))
                            .map(KnownSidecars.Call::known).findFirst().orElse(null)));
        }
        return new ShutdownPlan(List.copyOf(steps), List.copyOf(requests));
    }

    /** Without a Pod (it was never seen, or proa does not watch it): the options' requests alone. */
    public static ShutdownPlan withoutPod(Options options) {
        return new ShutdownPlan(List.of(), options.requests());
    }

    /** The plan's step for {@code sidecar}, if it has one. */
    public Optional<Step> step(String sidecar) {
        return steps.stream().filter(s -> s.sidecar().equals(sidecar)).findFirst();
    }

    /**
     * The likely cause and fix of an answer {@code code} (with {@code body}) to {@code request}, or null when there is
     * nothing to add. A 404 whose body is a known sidecar's "not enabled" answer names that sidecar's fix.
     */
    public static String hint(Request request, int code, String body) {
        Known known = request.known() != null ? request.known() : KnownSidecars.TABLE.stream()
                .filter(k -> k.notEnabledAnswer() != null && body != null && body.contains(k.notEnabledAnswer()))
                .findFirst().orElse(null);
        String who = known == null ? "" : known.what() + " ";
        return switch (code) {
            case 404 -> known == null
                    ? "Likely cause: no shutdown endpoint at this path, or it is not enabled: check the URL against the"
                            + " sidecar's documentation"
                    : !known.enabledBy().isEmpty() || (body != null && known.notEnabledAnswer() != null
                            && body.contains(known.notEnabledAnswer()))
                            ? "Likely cause: " + who + "answers 404 when its " + known.path() + " endpoint is not enabled."
                                    + " Fix: " + known.enable()
                            : "Likely cause: this is not " + who + "'s port: it takes " + known.method() + " "
                                    + known.path() + " on the port from " + KnownSidecars.portSources(known);
            case 405 -> known == null
                    ? "Likely cause: the sidecar wants another method: try " + option(other(request.method()))
                            + " instead of " + option(request.method())
                    : "Likely cause: " + who + "accepts only " + known.method() + " on " + known.path() + ". Fix: use "
                            + option(known.method());
            case 403 -> "Likely cause: " + (known == null ? "the sidecar " : who) + "accepts shutdown requests only"
                    + " from inside its own Pod (loopback, http://127.0.0.1:PORT), or wants credentials";
            default -> null;
        };
    }

    /** The likely cause of a refused connection to {@code request}. */
    public static String refusedHint(Request request) {
        Known known = request.known();
        return "Likely cause: nothing listens there yet, or any more: the sidecar has not started, has stopped, or listens"
                + " on another port" + (known == null ? ""
                        : " (" + known.what() + "'s port is set by " + KnownSidecars.portSources(known) + ")");
    }

    private static Container container(Pod pod, String name) {
        return Stream.concat(pod.getSpec().getContainers().stream(), pod.getSpec().getInitContainers().stream())
                .filter(c -> name.equals(c.getName())).findFirst().orElse(null);
    }

    private static final Pattern PORT = Pattern.compile("^[a-zA-Z]+://[^/]*:(\\d+)");

    /** The URL's port, as written ("" when it has none: then it is not any sidecar's own). */
    private static String port(String url) {
        Matcher m = PORT.matcher(url);
        return m.find() ? m.group(1) : "";
    }

    private static String option(String method) {
        return method.equals("GET") ? "--shutdown-http-get" : "--shutdown-http-post";
    }

    private static String other(String method) {
        return method.equals("GET") ? "POST" : "GET";
    }
}
