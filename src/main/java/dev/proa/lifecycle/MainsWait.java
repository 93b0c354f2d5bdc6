package dev.proa.lifecycle;

import dev.proa.config.Durations;
import dev.proa.sidecars.Mains;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import dev.proa.sidecars.Sidecars;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Between COMMAND's exit and the shutdown, with {@code --main}: is it this proa's turn to stop the sidecars (see
 * {@link Mains} for the rule), and if it must wait for other main containers first, until when. The wait is bounded by
 * the stop's one {@link Deadline}, less the time the shutdown's requests need: when that passes with main containers
 * still running, the sidecars are stopped under them all the same (said as a warning), so that the wait and the
 * shutdown together never pass the deadline, and proa never leaves the Pod to hang. A repeated SIGTERM or SIGINT ends the wait too.
 * A pure step function of (rules, state, what happened, the time).
 */
public final class MainsWait {
    /** How often the wait says what it still waits for. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);

    private MainsWait() {}

    /**
     * {@code deadline}: the whole stop's, which this wait shares with the shutdown after it; {@code asks}: whether
     * there is anything to ask the sidecars (a request or a signal to send): without, there is nothing to wait for.
     */
    public record Rules(Sidecars.Choice choice, Deadline deadline, boolean asks) {}

    public sealed interface Input {}

    public record PodSeen(PodView view) implements Input {}

    /** A repeated SIGTERM or SIGINT: stop waiting. */
    public record Skip() implements Input {}

    public record Tick() implements Input {}

    /** What this proa does once the wait is over. */
    public enum Decision {
        /** Stop the sidecars now: every other main container has terminated, or the wait ended. */
        STOP_SIDECARS,
        /** Exit without stopping them: a main container after this one in the Pod runs, and its proa will. */
        LEAVE_THEM
    }

    /** {@code waitingFor}: the main containers still running at the last look, as the log named them. */
    public record State(long start, PodView seen, long nextProgress, boolean skip, List<String> waitingFor) {}

    public record Step(State state, List<Line> lines, Optional<Decision> decided, long wakeAt) {}

    public static Step begin(Rules rules, PodView seen, long now) {
        State state = new State(now, seen, Durations.plus(now, PROGRESS_INTERVAL), false, List.of());
        if (!rules.asks() || rules.choice().mains().isEmpty()) return decided(state, List.of(), Decision.STOP_SIDECARS);
        return evaluate(rules, state, now, true);
    }

    public static Step step(Rules rules, State s, Input input, long now) {
        State next = switch (input) {
            case PodSeen p -> new State(s.start(), p.view(), s.nextProgress(), s.skip(), s.waitingFor());
            case Skip k -> new State(s.start(), s.seen(), s.nextProgress(), true, s.waitingFor());
            case Tick t -> s;
        };
        return evaluate(rules, next, now, false);
    }

    private static Step evaluate(Rules rules, State s, long now, boolean first) {
        List<Line> lines = new ArrayList<>();
        String mains = String.join(", ", rules.choice().mains());
        if (!s.seen().observable()) {
            lines.add(Line.warn("Cannot tell whether the other main containers (--main=" + mains + ") still run: "
                    + why(s.seen()) + ". Stopping the sidecars now, as without --main"));
            return decided(s, lines, Decision.STOP_SIDECARS);
        }
        Mains.Turn turn;
        String pod;
        try {
            turn = Mains.turn(s.seen().pod(), rules.choice());
            pod = Pods.describe(s.seen().pod()) + " (container "
                    + Sidecars.ownContainer(s.seen().pod(), rules.choice()) + ")";
        } catch (Sidecars.NotInPod e) {
            lines.add(Line.warn(e.getMessage() + ". Stopping the sidecars now, as without --main"));
            return decided(s, lines, Decision.STOP_SIDECARS);
        }
        String took = Durations.human(Duration.ofNanos(Durations.between(s.start(), now)));
        switch (turn) {
            case Mains.LeaveTo leave -> {
                lines.add(Line.info("Main container " + leave.later() + " comes after this one in Pod " + pod
                        + " and still runs: its proa stops the sidecars once it is the last. Not stopping them"));
                return decided(s, lines, Decision.LEAVE_THEM);
            }
            case Mains.Last last -> {
                if (last.others().isEmpty()) return decided(s, lines, Decision.STOP_SIDECARS); // --main named only this one
                lines.add(Line.info(first
                        ? "Every other main container (" + String.join(", ", last.others()) + ") has terminated: Pod " + pod
                                + " is done; stopping the sidecars"
                        : "After " + took + ", every other main container has terminated: stopping the sidecars"));
                return decided(s, lines, Decision.STOP_SIDECARS);
            }
            case Mains.Wait wait -> {
                String running = String.join(", ", wait.running().stream().map(Mains.Running::toString).toList());
                List<String> names = wait.running().stream().map(Mains.Running::name).toList();
                if (s.skip()) {
                    lines.add(Line.warn("Received a second SIGTERM or SIGINT: no longer waiting for main containers "
                            + running + "; stopping the sidecars now"));
                    return decided(s, lines, Decision.STOP_SIDECARS);
                }
                long until = rules.deadline().forMains();
                String timeout = Durations.format(rules.deadline().timeout());
                if (now >= until) {
                    lines.add(Line.warn("Shutdown timeout of " + timeout + " nearly passed while main containers still"
                            + " run: " + running + ". Stopping the sidecars under them now, in the "
                            + Durations.human(Duration.ofNanos(Durations.between(now, rules.deadline().at())))
                            + " left, so that the Pod ends (--shutdown-timeout sets how long to wait)"));
                    return decided(s, lines, Decision.STOP_SIDECARS);
                }
                long nextProgress = s.nextProgress();
                String left = Durations.human(Duration.ofNanos(Durations.between(now, until)));
                if (first) {
                    lines.add(Line.info("Waiting for the other main containers of Pod " + pod + " to terminate before"
                            + " stopping the sidecars: " + running + "; at most " + Durations.human(Duration.ofNanos(
                            Durations.between(now, until))) + ", leaving " + Durations.human(Duration.ofNanos(
                            Durations.between(until, rules.deadline().at()))) + " of the shutdown timeout of "
                            + timeout + " to stop the sidecars"));
                } else if (now >= nextProgress) {
                    lines.add(Line.info("Still waiting after " + took + " for main containers " + running
                            + "; the sidecars are stopped in " + left + " at the latest"));
                    nextProgress = Durations.plus(now, PROGRESS_INTERVAL);
                } else if (!names.equals(s.waitingFor())) {
                    lines.add(Line.info("After " + took + ", still waiting for main containers " + running));
                }
                State next = new State(s.start(), s.seen(), nextProgress, s.skip(), names);
                return new Step(next, lines, Optional.empty(), Math.min(until, nextProgress));
            }
        }
    }

    private static String why(PodView seen) {
        if (seen.gone()) return "the Pod was deleted";
        if (seen.pod() == null) return "the Pod was never seen" + (seen.error() == null ? "" : " (" + seen.error() + ")");
        return seen.error() == null ? "the Pod cannot be watched" : seen.error();
    }

    private static Step decided(State s, List<Line> lines, Decision decision) {
        return new Step(s, lines, Optional.of(decision), Long.MAX_VALUE);
    }
}
