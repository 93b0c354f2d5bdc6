package dev.proa.lifecycle;

import dev.proa.config.Durations;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import dev.proa.sidecars.Readiness;
import dev.proa.sidecars.ShutdownPlan;
import dev.proa.sidecars.Sidecars;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last phase, as decisions, after COMMAND exits or the startup fails: once the sidecars were asked to stop (every
 * HTTP request at once, then the signals), wait until every regular sidecar has terminated. Native sidecars are not
 * waited for: the kubelet stops them only once proa's own container has exited. Without the Pod, the
 * {@code --wait-http}/{@code --wait-tcp} targets tell: the sidecars have stopped once nothing answers there. Nothing
 * outlasts the shutdown timeout. A pure step function of (settings, state, what happened, the time).
 */
public final class Shutdown {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration MINIMUM_TIMEOUT = Duration.ofSeconds(1);

    private Shutdown() {}

    /**
     * {@code requests}: how many shutdown requests are sent; {@code kills}: whether --kill or --kill-all was given;
     * {@code plan}: how each sidecar is stopped, which names the fix when one does not stop, or fails the Pod.
     */
    public record Settings(Sources sources, Sidecars.Choice choice, Optional<Duration> timeout, int requests,
            boolean kills, ShutdownPlan plan) {
        public Settings(Sources sources, Sidecars.Choice choice, Optional<Duration> timeout, int requests, boolean kills) {
            this(sources, choice, timeout, requests, kills, ShutdownPlan.NONE);
        }
    }

    /** What happened. */
    public sealed interface Input {}

    public record PodSeen(PodView view) implements Input {}

    /** The targets that still answer at all. */
    public record Probed(List<String> answering) implements Input {}

    /** One shutdown request has ended, however it ended. */
    public record RequestDone() implements Input {}

    /** A repeated SIGTERM or SIGINT: stop waiting. */
    public record Skip() implements Input {}

    public record Tick() implements Input {}

    /**
     * Where the shutdown is. {@code watched}: the sidecars whose end the Pod tells, when it can be watched;
     * {@code answering}: the targets that answered at the last probe (all of them until the first).
     */
    public record State(long start, long deadline, Duration timeout, PodView seen, int unfinished,
            Optional<List<Sidecars.Sidecar>> watched, List<String> answering, boolean probing, long nextProbe,
            boolean skip, List<String> failed) {
        /** {@code failed}: one sentence per regular sidecar that exited non-zero during the shutdown, with its fix. */
        public State {
            failed = List.copyOf(failed);
        }

        /** Whether no sidecar is left to wait for: a refused request need not be retried any more. */
        public boolean sidecarsStopped(Settings settings) {
            return running(settings, this).isEmpty();
        }
    }

    /** One step: the next state, whether to probe the targets now, what to log, and, once it is over, what still runs. */
    public record Step(State state, boolean probe, List<Line> lines, Optional<List<String>> ended, long wakeAt) {}

    /** The shutdown begins: the requests are being sent, and the processes signalled. */
    public static Step begin(Settings settings, PodView seen, long now) {
        Duration timeout = timeout(settings, seen);
        List<Line> lines = new ArrayList<>();
        if (settings.requests() == 0 && !settings.kills()) {
            // Sidecars cannot tell that COMMAND is done until proa's container exits, so waiting would be in vain.
            lines.add(Line.info("Shutdown: nothing to ask the sidecars (no --shutdown-http-get, --shutdown-http-post"
                    + " or --kill, and no sidecar proa recognizes and can stop); not waiting for them"));
            State state = new State(now, now, timeout, seen, 0, Optional.empty(), List.of(), false, now, false, List.of());
            return new Step(state, false, lines, Optional.of(List.of()), Long.MAX_VALUE);
        }
        Optional<List<Sidecars.Sidecar>> watched = seen.observable() ? sidecars(settings, seen) : Optional.empty();
        if (watched.isEmpty() && settings.sources().pod()) {
            lines.add(Line.warn("Shutdown: " + (seen.observable() ? notInPod(settings, seen)
                    : "the Pod cannot be watched") + ", so proa does not wait for the sidecars to stop"));
        }
        boolean probing = !settings.sources().pod() && settings.sources().probes();
        State state = new State(now, Durations.plus(now, timeout), timeout, seen, settings.requests(), watched,
                settings.sources().targets(), probing, now, false, List.of());
        return evaluate(settings, state, now, lines);
    }

    public static Step step(Settings settings, State s, Input input, long now) {
        List<Line> lines = new ArrayList<>();
        State next = switch (input) {
            case PodSeen p -> seen(settings, s, p.view(), lines);
            case Probed p -> new State(s.start(), s.deadline(), s.timeout(), s.seen(), s.unfinished(), s.watched(),
                    List.copyOf(p.answering()), s.probing(), Durations.plus(now, Startup.PROBE_INTERVAL), s.skip(), s.failed());
            case RequestDone r -> new State(s.start(), s.deadline(), s.timeout(), s.seen(), s.unfinished() - 1,
                    s.watched(), s.answering(), s.probing(), s.nextProbe(), s.skip(), s.failed());
            case Skip k -> new State(s.start(), s.deadline(), s.timeout(), s.seen(), s.unfinished(), s.watched(),
                    s.answering(), s.probing(), s.nextProbe(), true, s.failed());
            case Tick t -> s;
        };
        return evaluate(settings, next, now, lines);
    }

    private static State seen(Settings settings, State s, PodView view, List<Line> lines) {
        Optional<List<Sidecars.Sidecar>> watched = s.watched();
        List<String> failed = new ArrayList<>(s.failed());
        if (view.observable() && watched.isPresent() && s.seen().pod() != null) {
            for (Sidecars.Sidecar sidecar : watched.get()) {
                String why = failedNow(settings, sidecar, s.seen(), view);
                if (why != null) {
                    lines.add(Line.warn(why, "container", sidecar.name()));
                    failed.add(why);
                }
            }
        }
        if (!view.observable() && watched.isPresent()) {
            lines.add(Line.warn("Shutdown: the Pod can no longer be watched ("
                    + (view.gone() ? "it was deleted" : view.error()) + "); not waiting for the sidecars"));
            watched = Optional.empty();
        }
        return new State(s.start(), s.deadline(), s.timeout(), view, s.unfinished(), watched, s.answering(),
                s.probing(), s.nextProbe(), s.skip(), failed);
    }

    /**
     * A regular sidecar that has just terminated with a non-zero code: the kubelet then marks the Pod Failed, even
     * when COMMAND succeeded. Said with the sidecar's own fix when proa knows it; null when it did not just fail.
     */
    private static String failedNow(Settings settings, Sidecars.Sidecar sidecar, PodView before, PodView after) {
        if (sidecar.isNative()) return null; // its exit code does not decide the Pod's phase
        ContainerStateTerminated now = terminated(Pods.status(after.pod(), sidecar.name()));
        if (now == null || now.getExitCode() == null || now.getExitCode() == 0) return null;
        if (terminated(Pods.status(before.pod(), sidecar.name())) != null) return null; // said already, or before
        String fix = settings.plan().step(sidecar.name()).map(ShutdownPlan.Step::exitFix)
                .orElse(new ShutdownPlan.Step(sidecar.name(), Optional.empty(), new ShutdownPlan.Unknown()).exitFix());
        return "Sidecar " + sidecar.name() + " " + Readiness.describeEnd(now) + " during the shutdown: the Pod will be"
                + " marked Failed even though COMMAND's status is what proa exits with. Fix: " + fix;
    }

    private static ContainerStateTerminated terminated(ContainerStatus status) {
        return status == null || status.getState() == null ? null : status.getState().getTerminated();
    }

    private static Step evaluate(Settings settings, State s, long now, List<Line> lines) {
        List<String> running = running(settings, s);
        String took = Durations.human(Duration.ofNanos(Durations.between(s.start(), now)));
        if (running.isEmpty() && s.unfinished() == 0) {
            boolean waited = s.probing() || s.watched().map(w -> w.stream().anyMatch(x -> !x.isNative())).orElse(false);
            lines.add(Line.info("Shutdown complete after " + took + (waited ? ": every sidecar has stopped" : "")));
            return new Step(s, false, lines, Optional.of(List.of()), Long.MAX_VALUE);
        }
        if (now >= s.deadline() || s.skip()) {
            lines.add(Line.warn("Shutdown " + (now >= s.deadline()
                    ? "timeout of " + Durations.format(s.timeout()) + " passed" : "cut short by a signal")
                    + " after " + took + "; " + (running.isEmpty()
                            ? s.unfinished() + " shutdown request(s) still unanswered"
                            : "still running: " + String.join(", ", running))));
            if (now >= s.deadline() && s.watched().isPresent()) {
                for (String sidecar : running) {
                    settings.plan().step(sidecar).ifPresent(p -> lines.add(Line.warn(p.stillRunning(), "container", sidecar)));
                }
            }
            return new Step(s, false, lines, Optional.of(running), Long.MAX_VALUE);
        }
        boolean probe = s.probing() && now >= s.nextProbe();
        long wakeAt = s.deadline();
        if (probe) {
            s = new State(s.start(), s.deadline(), s.timeout(), s.seen(), s.unfinished(), s.watched(), s.answering(),
                    s.probing(), Long.MAX_VALUE, s.skip(), s.failed()); // the next probe is set when this one's results arrive
        } else if (s.probing()) {
            wakeAt = Math.min(wakeAt, s.nextProbe());
        }
        return new Step(s, probe, lines, Optional.empty(), wakeAt);
    }

    private static List<String> running(Settings settings, State s) {
        if (s.watched().isPresent()) return Sidecars.stillRunning(s.seen().pod(), s.watched().get());
        return s.probing() ? s.answering() : List.of();
    }

    /**
     * --shutdown-timeout, else the Pod's grace period, else 30 s; at least 1 s, so that each request is sent at least
     * once (a grace period of 0 is about deleting the Pod, not about proa's shutdown: it counts as unset).
     */
    static Duration timeout(Settings settings, PodView seen) {
        return timeout(settings.timeout(), seen);
    }

    static Duration timeout(Optional<Duration> given, PodView seen) {
        Duration timeout = DEFAULT_TIMEOUT;
        if (given.isPresent()) {
            timeout = given.get();
        } else if (seen.pod() != null && seen.pod().getSpec() != null) {
            Long grace = seen.pod().getSpec().getTerminationGracePeriodSeconds();
            if (grace != null && grace > 0) timeout = Duration.ofSeconds(grace);
        }
        return timeout.compareTo(MINIMUM_TIMEOUT) < 0 ? MINIMUM_TIMEOUT : timeout;
    }

    /** Why the Pod's sidecars cannot be told (a malformed Pod, a --container it lacks): said at the startup too. */
    private static String notInPod(Settings settings, PodView seen) {
        try {
            Sidecars.select(seen.pod(), settings.choice());
            return "the Pod's sidecars cannot be told";
        } catch (Sidecars.NotInPod e) {
            return e.getMessage();
        }
    }

    private static Optional<List<Sidecars.Sidecar>> sidecars(Settings settings, PodView seen) {
        try {
            return Optional.of(Sidecars.select(seen.pod(), settings.choice()));
        } catch (Sidecars.NotInPod e) {
            return Optional.empty(); // the startup failed for this reason already, and said so
        }
    }
}
