package dev.proa.sidecars;

import dev.proa.config.Urls;
import dev.proa.sidecars.KnownSidecars.Known;
import dev.proa.sidecars.StopPlan.Bound;
import dev.proa.sidecars.StopPlan.ByOptions;
import dev.proa.sidecars.StopPlan.Called;
import dev.proa.sidecars.StopPlan.Native;
import dev.proa.sidecars.StopPlan.NativeBound;
import dev.proa.sidecars.StopPlan.NotCallable;
import dev.proa.sidecars.StopPlan.Off;
import dev.proa.sidecars.StopPlan.Request;
import dev.proa.sidecars.StopPlan.Step;
import dev.proa.sidecars.StopPlan.Unknown;
import java.util.Optional;

/**
 * The sentences an operator reads about stopping the sidecars, made in one place from the {@link StopPlan} (which
 * holds only the decisions): the plan's line per sidecar, why one still runs, what makes it exit 0, and the likely
 * cause and fix of a shutdown request's failure.
 */
public final class StopWords {
    /** What fixes a sidecar nobody knows how to stop, in general. */
    public static final String GENERAL_FIX = "give --shutdown-http-post=URL (or --shutdown-http-get=URL) of its shutdown"
            + " endpoint, or --kill=NAME with shareProcessNamespace: true; or run it as a native sidecar (an init"
            + " container with restartPolicy: Always), which the kubelet stops by itself";

    private StopWords() {}

    /** The plan's line for this sidecar: how it is stopped, and why. */
    public static String sentence(Step step) {
        return "Shutdown plan: sidecar " + step.sidecar() + ": " + description(step);
    }

    /** How it is stopped, and why (for the plan's line, and {@code proa check}). */
    public static String description(Step step) {
        String sidecar = step.sidecar();
        Optional<Known> known = step.known();
        String recognized = known.map(k -> "recognized as " + k.what()).orElse("");
        String willNot = ". The Pod will not complete after COMMAND exits unless " + sidecar + " exits by itself. Fix: ";
        return switch (step.how()) {
            case Native n -> "a native sidecar, which the kubelet stops once proa's container has exited"
                    + known.map(k -> " (" + recognized + "; no request needed)").orElse("");
            case NativeBound b -> "a native sidecar, which the kubelet stops once proa's container has exited; the option"
                    + " bound to it (" + b.options() + ") is sent anyway, in the first phase" + known.map(k -> " ("
                    + recognized + ")").orElse("");
            case ByOptions b -> "stopped by the options given (" + b.options() + ")"
                    + known.map(k -> "; " + recognized + ", whose own way is not used: the options replace it").orElse("");
            case Bound b -> "stopped by the option bound to it (" + b.options() + ")"
                    + known.map(k -> "; " + recognized + ", whose own way it replaces").orElse("");
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

    /**
     * When it is stopped: "phase 1 of 2", or nothing for a native sidecar (the kubelet's) or a plan of one phase; a
     * sidecar the unbound options stop is stopped first (said also in one phase, for a mesh proxy, which would be last).
     */
    public static String phase(StopPlan plan, Step step) {
        if (step.how() instanceof ByOptions && (plan.phases() > 1 || step.known().map(Known::mesh).orElse(false))) {
            return (plan.phases() > 1 ? "phase 1 of " + plan.phases() + ", " : "") + "first, whatever the order: the"
                    + " options given (unbound) go out at once; bind a request to it (-p " + step.sidecar()
                    + "=URL) to stop it in its turn";
        }
        if (step.phase() == StopPlan.NO_PHASE || plan.phases() < 2) return "";
        return "phase " + (step.phase() + 1) + " of " + plan.phases() + (step.phase() == 0 ? ", first"
                : ", after phase " + step.phase() + "'s sidecars (" + String.join(", ", plan.inPhase(step.phase() - 1))
                        + ") have terminated or had their share of the shutdown timeout");
    }

    /** What is done if it answers its request and keeps running, or null when nothing more is done. */
    public static String escalation(StopPlan plan, Step step) {
        if (!plan.escalates(step)) return null;
        return "if it answers its request but still runs at the end of its phase's share of the shutdown timeout,"
                + " SIGTERM to its processes (the Pod shares its process namespace)";
    }

    /** The plan's line for a name an option gives that is no sidecar of the Pod. */
    public static String stray(StopPlan.Stray stray, java.util.List<String> sidecars) {
        return "Shutdown plan: " + stray.option() + " names " + stray.name() + ", which is not a sidecar of the Pod"
                + " (its sidecars: " + (sidecars.isEmpty() ? "none" : String.join(", ", sidecars)) + ")"
                + (stray.option().equals("--shutdown-order") ? "; the name is left out of the order"
                        : "; the request is sent anyway, in the first phase")
                + ". Fix: give a container name of the Pod's (a sidecar, not --ignore'd, --main or proa's own)";
    }

    /** Why it may still run at the shutdown's end, and what fixes that. */
    public static String stillRunning(Step step) {
        String sidecar = step.sidecar();
        Optional<Known> known = step.known();
        return "Sidecar " + sidecar + " is still running at the shutdown timeout: " + switch (step.how()) {
            case Called c -> "it was asked (" + c.call().method() + " " + Urls.printable(c.call().url()) + ") and has not stopped;"
                    + " see that request's line above. If it answered 2xx, it may need longer: raise --shutdown-timeout";
            case Bound b -> "it was asked (" + b.options() + ") and has not stopped; see that request's line above";
            case ByOptions b -> "the options given (" + b.options() + ") did not stop it: check that one of them is"
                    + " meant for it" + known.map(k -> " (" + k.what() + " stops on " + k.method() + " " + k.path()
                            + ", port from " + KnownSidecars.portSources(k) + ")").orElse("") + ", or " + GENERAL_FIX;
            case NotCallable c -> c.cannot().why() + ". Fix: " + c.cannot().fix();
            case Unknown u -> "nothing asked it to stop. Fix: " + GENERAL_FIX;
            case Off o -> "nothing asked it to stop (--shutdown-auto=false). Fix: " + GENERAL_FIX;
            case Native n -> "the kubelet stops it after proa exits";
            case NativeBound n -> "the kubelet stops it after proa exits";
        };
    }

    /** What makes it exit 0 when it is stopped, so that its exit does not fail the Pod. */
    public static String exitFix(Step step) {
        return step.known().map(Known::exitZero).orElse("make it exit 0 when it is asked to stop, or run it as a native"
                + " sidecar (an init container with restartPolicy: Always), whose exit code does not decide the"
                + " Pod's phase");
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

    private static String option(String method) {
        return method.equals("GET") ? "--shutdown-http-get" : "--shutdown-http-post";
    }

    private static String other(String method) {
        return method.equals("GET") ? "POST" : "GET";
    }
}
