package dev.proa.lifecycle;

import dev.proa.config.Durations;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import dev.proa.sidecars.Sidecars;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The last phase, as decisions, after COMMAND exits or the startup fails: ask the sidecars to stop (every HTTP request
 * at once, then the signals), retry a request whose connection was refused (see {@link RequestRetry}) until the
 * sidecars have stopped, and wait until every regular sidecar has terminated. Native sidecars are not waited for: the
 * kubelet stops them only once proa's own container has exited. Without the Pod, the {@code --wait-http}/{@code
 * --wait-tcp} targets tell: the sidecars have stopped once nothing answers there. Nothing outlasts the stop's
 * {@link Deadline}; when it passes, or a repeated signal cuts the wait short, every request not yet sent goes out
 * once, whatever its phase, unawaited. The plan's phases go in turn ({@link StopPhases}): phase k+1's requests are sent once phase k's
 * sidecars have all terminated, or its share of the time passed; a sidecar that answered its request and still runs
 * then is sent SIGTERM, once, where the Pod shares its process namespace ({@link Escalate}). A pure step function
 * of (rules, state, what happened, the time); each step says what to send,
 * whether to signal and probe, what to log, and when to wake.
 */
public final class Shutdown {
    private Shutdown() {}

    /**
     * {@code deadline}: the whole stop's; {@code kills}: whether --kill or --kill-all was given; {@code plan}: how each
     * sidecar is stopped (its requests are sent), which names the fix when one does not stop, or fails the Pod.
     * {@code choice} is the run's; the shutdown watches what the plan stops ({@link Sidecars.Choice#stopped}), so a
     * phase's sidecars are all watched, and it is complete only once every regular sidecar has terminated.
     */
    public record Rules(Sources sources, Sidecars.Choice choice, Deadline deadline, boolean kills, StopPlan plan) {
        public Rules {
            choice = choice.stopped();
        }
    }

    /**
     * How the shutdown ended: the sidecars still running, one sentence (with its fix) per regular sidecar that
     * exited non-zero during it, which fails the Pod, and the requests that went out only as it ended (a later phase's,
     * cut short by a signal or the timeout), whose answers are awaited a moment ({@link #LAST_ANSWERS}).
     */
    public record Stopped(List<String> stillRunning, List<String> failed, List<Send> sentAsItEnded) {
        public static final Stopped NOTHING = new Stopped(List.of(), List.of(), List.of());
    }

    /**
     * How long the requests sent only as the shutdown ends are awaited: a request to a sidecar in the Pod is written
     * and answered within it, and a second signal or a passed timeout is not outlasted by much.
     */
    public static final Duration LAST_ANSWERS = Duration.ofSeconds(1);

    /** What happened. */
    public sealed interface Input {}

    public record PodSeen(PodView view) implements Input {}

    /**
     * A probe's answer: of the targets it {@code probed}, those still {@code answering} at all. The others' state is
     * what the last probe of theirs said (a probe that failed probed none).
     */
    public record Probed(List<String> probed, List<String> answering) implements Input {}

    /** Request {@code index} of the plan's, sent as a {@link Send} said, ended with {@code result}. */
    public record RequestEnded(int index, RequestRetry.Result result) implements Input {}

    /** A repeated SIGTERM or SIGINT: stop waiting. */
    public record Skip() implements Input {}

    public record Tick() implements Input {}

    /** Send request {@code index} now, abandoning it after {@code timeout}; its end comes back as a {@link RequestEnded}. */
    public record Send(int index, RequestRetry.State request, Duration timeout) {}

    /** Where one request is: sent and not yet ended, waiting to be sent (again) at {@code retryAt}, or done. */
    public enum Progress { SENT, WAITING, DONE }

    /** {@code answered}: some attempt of it got an HTTP answer, whatever its status: the sidecar heard it. */
    public record Request(RequestRetry.State retry, Progress progress, long retryAt, boolean answered) {
        public Request(RequestRetry.State retry, Progress progress, long retryAt) {
            this(retry, progress, retryAt, false);
        }
    }

    /**
     * Which phase is under way ({@code phase}, from 0), and when its share of the time ends ({@code shareEnd}): each
     * phase's end comes once (then the next begins, or, in the last, the wait goes on to the deadline), so no sidecar
     * is sent SIGTERM twice. {@code escalated}: the sidecars sent SIGTERM at this phase's end; while it is not empty,
     * {@code shareEnd} is the end of the time they have to terminate before the next phase begins.
     */
    public record Phasing(int phase, long shareEnd, List<String> escalated) {
        public Phasing {
            escalated = List.copyOf(escalated);
        }

        public Phasing(int phase, long shareEnd) {
            this(phase, shareEnd, List.of());
        }
    }

    /**
     * Send SIGTERM to the processes of {@code sidecar}'s container, {@code containerId} as its status gives it
     * ({@code containerd://<id>}): it answered its request and still runs at its phase's end.
     */
    public record Escalate(String sidecar, String containerId) {}

    /**
     * Where the shutdown is. {@code requests}: the plan's, in its order; {@code watched}: the sidecars whose end the
     * Pod tells, when it can be watched; {@code answering}: the targets that answered at the last probe (all of them
     * until the first); {@code failed}: one sentence per regular sidecar that exited non-zero during the shutdown.
     */
    public record State(long start, PodView seen, List<Request> requests, Optional<List<Sidecars.Sidecar>> watched,
            List<String> answering, boolean probing, long nextProbe, boolean skip, List<String> failed,
            Phasing phasing) {
        public State {
            requests = List.copyOf(requests);
            failed = List.copyOf(failed);
        }

        /** Whether no sidecar is left to wait for: a refused request need not be retried any more. */
        public boolean sidecarsStopped(Rules rules) {
            return running(rules, this).isEmpty();
        }

        int unfinished() {
            return (int) requests.stream().filter(r -> r.progress() != Progress.DONE).count();
        }

        State with(List<Request> next) {
            return new State(start, seen, next, watched, answering, probing, nextProbe, skip, failed, phasing);
        }

        State with(Phasing next) {
            return new State(start, seen, requests, watched, answering, probing, nextProbe, skip, failed, next);
        }
    }

    /**
     * One step: the next state, the requests to send now, whether to send the signals (--kill, --kill-all: once, after
     * the first requests), whether to probe the targets now, what to log, and, once it is over, what still runs.
     */
    public record Step(State state, List<Send> sends, boolean kill, boolean probe, List<Line> lines,
            Optional<List<String>> ended, long wakeAt, List<Escalate> escalations) {
        public Step {
            escalations = List.copyOf(escalations);
        }
    }

    /** The shutdown begins: every request is due now. */
    public static Step begin(Rules rules, PodView seen, long now) {
        List<Line> lines = new ArrayList<>();
        List<Request> requests = rules.plan().requests().stream()
                .map(r -> new Request(RequestRetry.State.of(r), Progress.WAITING, now)).toList();
        if (requests.isEmpty() && !rules.kills()) {
            // Sidecars cannot tell that COMMAND is done until proa's container exits, so waiting would be in vain.
            lines.add(Line.info("Shutdown: nothing to ask the sidecars (no --shutdown-http-get, --shutdown-http-post"
                    + " or --kill, and no sidecar proa recognizes and can stop); not waiting for them"));
            State state = new State(now, seen, List.of(), Optional.empty(), List.of(), false, now, false, List.of(),
                    new Phasing(0, Long.MAX_VALUE));
            return new Step(state, List.of(), false, false, lines, Optional.of(List.of()), Long.MAX_VALUE, List.of());
        }
        Optional<List<Sidecars.Sidecar>> watched = seen.observable() ? ShutdownSeen.sidecars(rules, seen) : Optional.empty();
        if (watched.isEmpty() && rules.sources().pod()) {
            lines.add(Line.warn("Shutdown: " + (seen.observable() ? ShutdownSeen.notInPod(rules, seen)
                    : "the Pod cannot be watched") + ", so proa does not wait for the sidecars to stop"));
        }
        boolean probing = !rules.sources().pod() && rules.sources().probes();
        StopPhases.said(rules.plan()).ifPresent(lines::add);
        State state = new State(now, seen, requests, watched, rules.sources().targets(), probing, now, false, List.of(),
                StopPhases.first(rules, now));
        return evaluate(rules, state, now, lines, rules.kills());
    }

    /**
     * The last resort, when the shutdown itself failed before its requests went out (a defect of proa's own): each
     * request of {@code plan} once, with its own timeout, whatever the deadline; nothing retried, nothing waited for.
     */
    public static List<Send> once(StopPlan plan) {
        List<Send> sends = new ArrayList<>();
        for (StopPlan.Request request : plan.requests()) {
            sends.add(new Send(sends.size(), RequestRetry.State.of(request), RequestRetry.PER_REQUEST_TIMEOUT));
        }
        return List.copyOf(sends);
    }

    public static Step step(Rules rules, State s, Input input, long now) {
        List<Line> lines = new ArrayList<>();
        State next = switch (input) {
            case PodSeen p -> ShutdownSeen.seen(rules, s, p.view(), lines);
            case Probed p -> new State(s.start(), s.seen(), s.requests(), s.watched(), answering(rules, s, p),
                    s.probing(), Durations.plus(now, Startup.PROBE_INTERVAL), s.skip(), s.failed(), s.phasing());
            case RequestEnded r -> ended(rules, s, r, now, lines);
            case Skip k -> new State(s.start(), s.seen(), s.requests(), s.watched(), s.answering(), s.probing(),
                    s.nextProbe(), true, s.failed(), s.phasing());
            case Tick t -> s;
        };
        return evaluate(rules, next, now, lines, false);
    }

    /** The targets answering now: the probed ones as the probe found them, the others as they were. */
    private static List<String> answering(Rules rules, State s, Probed p) {
        return rules.sources().targets().stream()
                .filter(t -> p.probed().contains(t) ? p.answering().contains(t) : s.answering().contains(t)).toList();
    }

    /** A request ended: done, or to be retried (a refused connection) at the time {@link RequestRetry} says. */
    private static State ended(Rules rules, State s, RequestEnded r, long now, List<Line> lines) {
        Request request = s.requests().get(r.index());
        if (request.progress() != Progress.SENT) return s; // not this shutdown's: nothing to do
        RequestRetry.Step next = RequestRetry.after(request.retry(), r.result(), now, rules.deadline().at(),
                s.sidecarsStopped(rules));
        lines.addAll(next.lines());
        List<Request> requests = new ArrayList<>(s.requests());
        requests.set(r.index(), new Request(next.state(), next.done() ? Progress.DONE : Progress.WAITING, next.retryAt(),
                request.answered() || r.result() instanceof RequestRetry.Answered));
        return s.with(requests);
    }

    /** Sends each request whose time has come (or every waiting one, once no sidecar is left to wait for). */
    private static State sendDue(Rules rules, State s, long now, List<Send> sends, List<Line> lines) {
        boolean stopped = s.sidecarsStopped(rules);
        List<Request> requests = new ArrayList<>(s.requests());
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            if (r.progress() != Progress.WAITING || (now < r.retryAt() && !stopped) || !due(rules, s, i)) continue;
            if (now >= rules.deadline().at() && !r.retry().refusedBefore()) continue; // never sent: sendLeft sends it
            RequestRetry.Step send = RequestRetry.send(r.retry(), now, rules.deadline().at());
            lines.addAll(send.lines());
            requests.set(i, new Request(send.state(), send.done() ? Progress.DONE : Progress.SENT, 0, r.answered()));
            if (!send.done()) sends.add(new Send(i, send.state(), send.sendTimeout()));
        }
        return s.with(requests);
    }

    private static Step evaluate(Rules rules, State s, long now, List<Line> lines, boolean kill) {
        List<Send> sends = new ArrayList<>();
        List<Escalate> escalations = new ArrayList<>();
        s = StopPhases.advance(rules, s, now, lines, escalations);
        s = sendDue(rules, s, now, sends, lines);
        List<String> running = running(rules, s);
        long deadline = rules.deadline().at();
        String took = Durations.human(Duration.ofNanos(Durations.between(s.start(), now)));
        if (running.isEmpty() && s.unfinished() == 0) {
            boolean waited = s.probing() || s.watched().map(w -> w.stream().anyMatch(x -> !x.isNative())).orElse(false);
            lines.add(Line.info("Shutdown complete after " + took + (waited ? ": every sidecar has stopped" : "")));
            return new Step(s, sends, kill, false, lines, Optional.of(List.of()), Long.MAX_VALUE, escalations);
        }
        if (now >= deadline || s.skip()) {
            String stop = Durations.human(Duration.ofNanos(Durations.between(rules.deadline().start(), now)));
            lines.add(Line.warn("Shutdown " + (now >= deadline // the timeout counts from the stop's start
                    ? "timeout of " + Durations.format(rules.deadline().timeout()) + " passed after " + stop
                    : "cut short by a signal after " + took) + "; " + (running.isEmpty()
                            ? s.unfinished() + " shutdown request(s) still unanswered"
                            : "still running: " + String.join(", ", running))));
            s = StopPhases.sendLeft(rules, s, sends, lines);
            if (now >= deadline && s.watched().isPresent()) {
                for (String sidecar : running) {
                    rules.plan().step(sidecar).ifPresent(p -> lines.add(Line.warn(StopWords.stillRunning(p),
                            "container", sidecar)));
                }
            }
            return new Step(s, sends, kill, false, lines, Optional.of(running), Long.MAX_VALUE, escalations);
        }
        boolean probe = s.probing() && now >= s.nextProbe();
        long wakeAt = deadline;
        for (int i = 0; i < s.requests().size(); i++) {
            Request r = s.requests().get(i);
            if (r.progress() == Progress.WAITING && due(rules, s, i)) wakeAt = Math.min(wakeAt, r.retryAt());
        }
        if (s.phasing().shareEnd() > now) wakeAt = Math.min(wakeAt, s.phasing().shareEnd());
        if (probe) {
            s = new State(s.start(), s.seen(), s.requests(), s.watched(), s.answering(), s.probing(), Long.MAX_VALUE,
                    s.skip(), s.failed(), s.phasing()); // the next probe is set when this one's results arrive
        } else if (s.probing()) {
            wakeAt = Math.min(wakeAt, s.nextProbe());
        }
        return new Step(s, sends, kill, probe, lines, Optional.empty(), wakeAt, escalations);
    }

    /** Whether request {@code index}'s phase has come. */
    private static boolean due(Rules rules, State s, int index) {
        return rules.plan().requests().get(index).phase() <= s.phasing().phase();
    }

    static List<String> running(Rules rules, State s) {
        if (s.watched().isPresent()) return Sidecars.stillRunning(s.seen().pod(), s.watched().get());
        return s.probing() ? s.answering() : List.of();
    }
}
