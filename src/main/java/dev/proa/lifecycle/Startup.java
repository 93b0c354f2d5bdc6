package dev.proa.lifecycle;

import dev.proa.config.ExitStatuses;

import dev.proa.config.Durations;
import dev.proa.lifecycle.Outcome.Reason;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import dev.proa.sidecars.Readiness;
import dev.proa.sidecars.Readiness.Pending;
import dev.proa.sidecars.Sidecars;
import dev.proa.sidecars.Sidecars.Sidecar;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The first phase, as decisions: wait until every sidecar is ready, one fails for good, the startup timeout passes, or
 * a signal arrives. A pure step function: (rules, state, what happened, the time) → (next state, what to do, what
 * to log, and how the wait ended once it has). Times are nanoseconds on one monotonic clock.
 */
public final class Startup {
    public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);
    /** How often a {@code --wait-http}/{@code --wait-tcp} target not ready yet is probed again. */
    public static final Duration PROBE_INTERVAL = Duration.ofMillis(200);

    private Startup() {}

    /**
     * What the wait needs to know. {@code pod} is "namespace/name"; {@code origin} says where they came from, for the
     * message when there is no such Pod.
     */
    public record Rules(Sources sources, Sidecars.Choice choice, Optional<Duration> timeout,
            boolean continueOnTimeout, Duration progressInterval, String pod, String origin, ExitStatuses statuses) {
        /** The number this run exits with when {@code reason} aborts it, as its log lines say it. */
        int status(Reason reason) {
            return statuses.of(reason.status);
        }
    }

    /** How the wait ended. */
    public sealed interface End {}

    /** Run COMMAND (all is ready, or the timeout passed with {@code --on-startup-timeout=continue}). */
    public record Proceed(Duration waited) implements End {}

    /** Do not run COMMAND: {@code outcome} says why (not started, or a signal). */
    public record Abort(Outcome outcome) implements End {
        public static Abort of(Reason reason, String why) {
            return new Abort(new Outcome.NotStarted(reason, why));
        }
    }

    /** What happened. */
    public sealed interface Input {}

    /** A new version of the Pod. */
    public record PodSeen(PodView view) implements Input {}

    /** The targets just probed: each with null when it answered, else why not. */
    public record Probed(Map<String, String> results) implements Input {}

    /** Signal {@code number} arrived: COMMAND is not to be started. */
    public record Stopped(int number) implements Input {}

    /** Time passed (a wake-up the last step asked for). */
    public record Tick() implements Input {}

    /** Where the wait is. {@code notReady}: each target not ready yet, and why, as last probed. */
    public record State(long started, PodView seen, Map<String, String> notReady, Set<String> ready,
            Map<String, String> stuck, boolean announced, long nextProgress, long nextProbe, boolean probing) {}

    /**
     * One step: the next state; whether to probe the targets not ready yet now; what to log; the outcome, or null to
     * keep waiting; and when to be woken up at the latest if nothing happens.
     */
    public record Step(State state, boolean probe, List<Line> lines, End outcome, long wakeAt) {}

    /** The wait begins at {@code started} (which may be before now), with what is known of the Pod so far. */
    public static Step begin(Rules rules, PodView seen, long started, long now) {
        Map<String, String> notReady = new LinkedHashMap<>();
        rules.sources().targets().forEach(t -> notReady.put(t, "not probed yet"));
        State state = new State(started, seen, notReady, Set.of(), Map.of(), false,
                Durations.plus(started, rules.progressInterval()), started, false);
        List<Line> lines = new ArrayList<>();
        if (!rules.sources().pod()) {
            lines.add(Line.info("Waiting for " + String.join(", ", notReady.keySet()) + timeoutText(rules)));
        }
        return evaluate(rules, state, now, lines);
    }

    public static Step step(Rules rules, State state, Input input, long now) {
        List<Line> lines = new ArrayList<>();
        return switch (input) {
            case PodSeen p -> evaluate(rules, with(state, p.view()), now, lines);
            case Probed p -> evaluate(rules, probed(state, p.results(), now, lines), now, lines);
            case Tick t -> evaluate(rules, state, now, lines);
            case Stopped s -> new Step(state, false, lines, new Abort(new Outcome.Signalled(s.number())),
                    Long.MAX_VALUE);
        };
    }

    private static State with(State s, PodView seen) {
        return new State(s.started(), seen, s.notReady(), s.ready(), s.stuck(), s.announced(), s.nextProgress(),
                s.nextProbe(), s.probing());
    }

    private static State probed(State s, Map<String, String> results, long now, List<Line> lines) {
        Map<String, String> notReady = new LinkedHashMap<>(s.notReady());
        results.forEach((target, why) -> {
            if (why == null) {
                notReady.remove(target);
                lines.add(Line.info(target + " answers: ready"
                        + (notReady.isEmpty() ? "" : "; still waiting for " + String.join(", ", notReady.keySet()))));
            } else if (notReady.containsKey(target)) {
                notReady.put(target, why);
            }
        });
        return new State(s.started(), s.seen(), notReady, s.ready(), s.stuck(), s.announced(), s.nextProgress(),
                Durations.plus(now, PROBE_INTERVAL), false);
    }

    private static Step evaluate(Rules rules, State s, long now, List<Line> lines) {
        Judged judged = rules.sources().pod() ? judge(rules, s, now, lines) : new Judged(s, true, null);
        s = judged.state();
        if (judged.abort() != null) return new Step(s, false, lines, judged.abort(), Long.MAX_VALUE);
        boolean probe = false;
        if (rules.sources().probes() && judged.podReady() && !s.probing() && now >= s.nextProbe()
                && !s.notReady().isEmpty()) {
            probe = true;
            s = new State(s.started(), s.seen(), s.notReady(), s.ready(), s.stuck(), s.announced(), s.nextProgress(),
                    s.nextProbe(), true);
        }
        if (judged.podReady() && s.notReady().isEmpty()) {
            lines.add(ready(rules, s, now));
            return new Step(s, false, lines, new Proceed(Duration.ofNanos(Durations.between(s.started(), now))), Long.MAX_VALUE);
        }
        Optional<Duration> timeout = rules.timeout();
        if (timeout.isPresent() && now >= Durations.plus(s.started(), timeout.get())) {
            return timedOut(rules, s, now, lines);
        }
        long nextProgress = s.nextProgress();
        if (now >= nextProgress) {
            lines.add(Line.info("Still waiting after " + elapsed(s, now) + " for " + describeWaiting(rules, s)));
            nextProgress = Durations.plus(now, rules.progressInterval());
            s = new State(s.started(), s.seen(), s.notReady(), s.ready(), s.stuck(), s.announced(), nextProgress,
                    s.nextProbe(), s.probing());
        }
        long wakeAt = nextProgress;
        if (timeout.isPresent()) wakeAt = Math.min(wakeAt, Durations.plus(s.started(), timeout.get()));
        if (rules.sources().probes() && judged.podReady() && !s.probing()) wakeAt = Math.min(wakeAt, s.nextProbe());
        return new Step(s, probe, lines, null, wakeAt);
    }

    /** What the Pod's latest version means: an abort, or whether its sidecars are ready; noting what changed. */
    private record Judged(State state, boolean podReady, Abort abort) {}

    private static Judged judge(Rules rules, State s, long now, List<Line> lines) {
        PodView seen = s.seen();
        if (seen.gone()) {
            String why;
            Reason reason = seen.pod() == null
                    ? Reason.POD_NOT_FOUND : Reason.POD_GONE;
            if (seen.pod() == null) {
                why = "Pod " + rules.pod() + " does not exist"
                        + (rules.origin().isEmpty() ? "" : " (" + rules.origin() + ")");
                lines.add(Line.error(why + ": check --pod-name and --namespace (or POD_NAME and POD_NAMESPACE, set from"
                        + " the downward API). Not running COMMAND; exit " + rules.status(reason)));
            } else {
                why = "Pod " + rules.pod() + " was deleted while proa waited for its sidecars";
                lines.add(Line.error(why + ". Not running COMMAND; exit " + rules.status(reason)));
            }
            return new Judged(s, false, Abort.of(reason, why));
        }
        if (seen.pod() == null) return new Judged(s, false, null);
        return switch (Readiness.judge(seen.pod(), rules.choice())) {
            case Readiness.Ready r -> new Judged(noteReady(rules, s, now, r.sidecars(), List.of(), lines), true, null);
            case Readiness.Failed f -> {
                Reason reason = f.sidecarEnded() ? Reason.SIDECAR_FAILED
                        : seen.pod() != null && Pods.shape(seen.pod()) instanceof Pods.Malformed
                                ? Reason.POD_MALFORMED
                                : Reason.SETUP_INVALID;
                lines.add(Line.error("Startup failed: " + f.why() + ". Not running COMMAND; stopping the sidecars, then"
                        + " exiting " + rules.status(reason)));
                yield new Judged(s, false, Abort.of(reason, f.why()));
            }
            case Readiness.Waiting w -> {
                State noted = noteReady(rules, s, now, w.sidecars(), w.pending(), lines);
                yield new Judged(noteStuck(rules, noted, w.pending(), lines), false, null);
            }
        };
    }

    private static State noteReady(Rules rules, State s, long now, List<Sidecar> sidecars, List<Pending> pending,
            List<Line> lines) {
        if (!s.announced()) {
            lines.add(Line.info("Waiting for the sidecars of Pod " + rules.pod() + " to be ready: "
                    + Sidecars.names(sidecars) + (s.notReady().isEmpty() ? "" : "; and for "
                            + String.join(", ", s.notReady().keySet())) + timeoutText(rules)));
        }
        Set<String> ready = new LinkedHashSet<>(s.ready());
        Set<String> notReady = pending.stream().map(Pending::container).collect(Collectors.toSet());
        for (Sidecar sidecar : sidecars) {
            if (!notReady.contains(sidecar.name()) && ready.add(sidecar.name()) && !pending.isEmpty()) {
                lines.add(Line.info("Sidecar " + sidecar.name() + " is ready after " + elapsed(s, now) + "; still"
                        + " waiting for " + String.join(", ", notReady), "pod", rules.pod(), "container", sidecar.name()));
            }
            if (notReady.contains(sidecar.name()) && ready.remove(sidecar.name())) {
                lines.add(Line.warn("Sidecar " + sidecar.name() + " is no longer ready; waiting for it again"));
            }
        }
        return new State(s.started(), s.seen(), s.notReady(), Set.copyOf(ready), s.stuck(), true, s.nextProgress(),
                s.nextProbe(), s.probing());
    }

    /** A stuck sidecar is logged when first seen and whenever its reason changes: not on every event. */
    private static State noteStuck(Rules rules, State s, List<Pending> pending, List<Line> lines) {
        Map<String, String> stuck = new LinkedHashMap<>(s.stuck());
        for (Pending p : pending) {
            String before = stuck.get(p.container());
            if (p.isStuck() && !p.state().equals(before)) {
                lines.add(Line.warn("Sidecar " + p.container() + " cannot start: " + p.state() + ". It will not become"
                        + " ready until this is fixed", "pod", rules.pod(), "container", p.container(),
                        "reason", p.stuckReason()));
            }
            if (p.isStuck()) stuck.put(p.container(), p.state());
            else stuck.remove(p.container());
        }
        return new State(s.started(), s.seen(), s.notReady(), s.ready(), Map.copyOf(stuck), s.announced(),
                s.nextProgress(), s.nextProbe(), s.probing());
    }

    private static Line ready(Rules rules, State s, long now) {
        String sidecars = "";
        if (rules.sources().pod()) {
            List<Sidecar> all = ((Readiness.Ready) Readiness.judge(s.seen().pod(), rules.choice())).sidecars();
            sidecars = "all sidecars of Pod " + rules.pod()
                    + (all.isEmpty() ? " (it has none)" : " (" + Sidecars.names(all) + ")") + " are ready";
        }
        String targets = rules.sources().probes() ? "every --wait-http and --wait-tcp target answers" : "";
        String both = sidecars.isEmpty() || targets.isEmpty() ? sidecars + targets : sidecars + ", and " + targets;
        return Line.info("After " + elapsed(s, now) + ", " + both + ": running COMMAND",
                "pod", rules.sources().pod() ? rules.pod() : null);
    }

    private static Step timedOut(Rules rules, State s, long now, List<Line> lines) {
        String waiting = describeWaiting(rules, s);
        String timeout = Durations.format(rules.timeout().orElseThrow());
        if (rules.continueOnTimeout()) {
            lines.add(Line.warn("Startup timeout of " + timeout + " passed; running COMMAND anyway"
                    + " (--on-startup-timeout=continue). Not ready: " + waiting));
            return new Step(s, false, lines, new Proceed(Duration.ofNanos(Durations.between(s.started(), now))), Long.MAX_VALUE);
        }
        // The Pod never read: the API failed proa (denied, unreachable), which says nothing of the sidecars.
        Reason reason = rules.sources().pod() && s.seen().pod() == null ? Reason.API_FAILED : Reason.STARTUP_TIMEOUT;
        lines.add(Line.error("Startup timeout of " + timeout + " passed. Not ready: " + waiting + ". Not running"
                + " COMMAND; stopping the sidecars, then exiting " + rules.status(reason)));
        return new Step(s, false, lines, Abort.of(reason,
                "startup timeout of " + timeout + " passed; not ready: " + waiting), Long.MAX_VALUE);
    }

    private static String describeWaiting(Rules rules, State s) {
        String targets = s.notReady().entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
        if (!rules.sources().pod()) return targets;
        String sidecars = describeSidecars(rules, s.seen());
        return targets.isEmpty() ? sidecars : sidecars.equals("(nothing)") ? targets : sidecars + ", " + targets;
    }

    private static String describeSidecars(Rules rules, PodView seen) {
        if (seen.pod() == null) {
            String why = seen.error() == null ? "no answer yet" : "last error: " + seen.error();
            return "Pod " + rules.pod() + " to be read from the API server (" + why + ")";
        }
        if (!(Readiness.judge(seen.pod(), rules.choice()) instanceof Readiness.Waiting w)) return "(nothing)";
        return w.pending().stream().map(p -> p.container() + " (" + p.state() + ")").collect(Collectors.joining(", "));
    }

    private static String timeoutText(Rules rules) {
        return rules.timeout().map(t -> " (startup timeout " + Durations.format(t) + ")").orElse("");
    }

    private static String elapsed(State s, long now) {
        return Durations.human(Duration.ofNanos(now - s.started()));
    }
}
