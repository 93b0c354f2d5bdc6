package dev.proa;

import dev.proa.Event.CommandExited;
import dev.proa.Event.PodSeen;
import dev.proa.Event.Probed;
import dev.proa.Event.RequestEnded;
import dev.proa.Event.Signalled;
import dev.proa.Phase.Turn;
import dev.proa.lifecycle.Line;
import dev.proa.lifecycle.MainsWait;
import dev.proa.lifecycle.RequestRetry;
import dev.proa.lifecycle.Shutdown;
import dev.proa.lifecycle.SignalStep;
import dev.proa.lifecycle.Startup;
import dev.proa.sidecars.Deaths;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Sidecars;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The phases the {@link EventLoop} drives, each the adapter of one pure step function: it keeps the step's state,
 * turns an event into the step's input, and the step's answer into a {@link Turn}. No decision is made here.
 */
final class Phases {
    private Phases() {}

    private static boolean skips(Event event) {
        return event instanceof Signalled s && s.effect() == SignalStep.Effect.SKIP_WAITING;
    }

    /** Waiting for the sidecars; {@code planLines}: the shutdown plan, said once when the Pod is first seen. */
    static final class Starting implements Phase<Startup.End> {
        private final Startup.Rules rules;
        private final PodView seen;
        private final long started;
        private final Supplier<List<Line>> planLines;
        private Startup.State state;

        Starting(Startup.Rules rules, PodView seen, long started, Supplier<List<Line>> planLines) {
            this.rules = rules;
            this.seen = seen;
            this.started = started;
            this.planLines = planLines;
        }

        public SignalStep.Phase signals() {
            return SignalStep.Phase.STARTING;
        }

        public Turn<Startup.End> begin(long now) {
            return turn(List.of(), Startup.begin(rules, seen, started, now));
        }

        public Turn<Startup.End> on(Event event, long now) {
            List<Line> before = event instanceof PodSeen ? planLines.get() : List.of();
            Startup.Input input = switch (event) {
                case PodSeen p -> new Startup.PodSeen(p.view());
                case Probed p -> new Startup.Probed(p.failure() == null ? p.results() : failed(rules, p.failure()));
                case Signalled s when s.effect() == SignalStep.Effect.STOP_STARTUP -> new Startup.Stopped(s.number());
                case null, default -> new Startup.Tick();
            };
            return turn(before, Startup.step(rules, state, input, now));
        }

        /** A probe that failed leaves every target not ready, for that reason (and probes again). */
        private static Map<String, String> failed(Startup.Rules rules, String why) {
            Map<String, String> results = new java.util.LinkedHashMap<>();
            rules.sources().targets().forEach(t -> results.put(t, why));
            return results;
        }

        private Turn<Startup.End> turn(List<Line> before, Startup.Step step) {
            state = step.state();
            List<Line> lines = new ArrayList<>(before);
            lines.addAll(step.lines());
            List<Phase.Effect> effects = step.probe()
                    ? List.of(new Phase.Probe(List.copyOf(step.state().notReady().keySet()), false)) : List.of();
            return new Turn<>(lines, effects, step.wakeAt(), step.outcome());
        }
    }

    /** COMMAND runs: signals go on to it; a sidecar that dies meanwhile is said. Ends with COMMAND's status. */
    static final class Running implements Phase<Integer> {
        private final Sidecars.Choice choice;
        private PodView last;

        Running(Sidecars.Choice choice, PodView last) {
            this.choice = choice;
            this.last = last;
        }

        public SignalStep.Phase signals() {
            return SignalStep.Phase.RUNNING;
        }

        public Turn<Integer> begin(long now) {
            return Turn.of(List.of(), Long.MAX_VALUE, null);
        }

        public Turn<Integer> on(Event event, long now) {
            return switch (event) {
                case CommandExited exited -> Turn.of(List.of(), Long.MAX_VALUE, exited.status());
                case Signalled s when s.effect() == SignalStep.Effect.FORWARD ->
                        new Turn<>(List.of(), List.of(new Phase.Forward(s.number(), s.name())), Long.MAX_VALUE, null);
                case PodSeen p -> {
                    List<Line> lines = deaths(last, p.view());
                    last = p.view();
                    yield Turn.of(lines, Long.MAX_VALUE, null);
                }
                case null, default -> Turn.of(List.of(), Long.MAX_VALUE, null);
            };
        }

        private List<Line> deaths(PodView before, PodView after) {
            if (before.pod() == null || after.pod() == null) return List.of();
            try {
                return Deaths.between(before.pod(), after.pod(), Sidecars.select(after.pod(), choice)).stream()
                        .map(Line::warn).toList();
            } catch (Sidecars.NotInPod e) {
                return List.of(); // the Pod was never one proa could run in: nothing to watch
            }
        }
    }

    /** With --main, after COMMAND: whether it is this proa's turn to stop the sidecars (see {@link MainsWait}). */
    static final class MainsWaiting implements Phase<MainsWait.Decision> {
        private final MainsWait.Rules rules;
        private final PodView seen;
        private MainsWait.State state;

        MainsWaiting(MainsWait.Rules rules, PodView seen) {
            this.rules = rules;
            this.seen = seen;
        }

        public SignalStep.Phase signals() {
            return SignalStep.Phase.SHUTTING_DOWN;
        }

        public Turn<MainsWait.Decision> begin(long now) {
            return turn(MainsWait.begin(rules, seen, now));
        }

        public Turn<MainsWait.Decision> on(Event event, long now) {
            MainsWait.Input input = switch (event) {
                case PodSeen p -> new MainsWait.PodSeen(p.view());
                case Signalled s when skips(s) -> new MainsWait.Skip();
                case null, default -> new MainsWait.Tick();
            };
            return turn(MainsWait.step(rules, state, input, now));
        }

        private Turn<MainsWait.Decision> turn(MainsWait.Step step) {
            state = step.state();
            return Turn.of(step.lines(), step.wakeAt(), step.decided().orElse(null));
        }
    }

    /** Asking the sidecars to stop and waiting until they have (see {@link Shutdown}). */
    static final class ShuttingDown implements Phase<Shutdown.Stopped> {
        private final Shutdown.Rules rules;
        private final PodView seen;
        private Shutdown.State state;

        ShuttingDown(Shutdown.Rules rules, PodView seen) {
            this.rules = rules;
            this.seen = seen;
        }

        public SignalStep.Phase signals() {
            return SignalStep.Phase.SHUTTING_DOWN;
        }

        public Turn<Shutdown.Stopped> begin(long now) {
            return turn(Shutdown.begin(rules, seen, now));
        }

        public Turn<Shutdown.Stopped> on(Event event, long now) {
            Shutdown.Input input = switch (event) {
                case PodSeen p -> new Shutdown.PodSeen(p.view());
                case Probed p -> new Shutdown.Probed(List.copyOf(p.results().keySet()), p.results().entrySet()
                        .stream().filter(e -> e.getValue() == null).map(Map.Entry::getKey).toList()); // a failed probe: none
                case Signalled s when skips(s) -> new Shutdown.Skip();
                case RequestEnded r -> new Shutdown.RequestEnded(r.index(), r.result());
                case null, default -> new Shutdown.Tick();
            };
            return turn(Shutdown.step(rules, state, input, now));
        }

        private Turn<Shutdown.Stopped> turn(Shutdown.Step step) {
            state = step.state();
            List<Phase.Effect> effects = new ArrayList<>();
            // The requests of the step that ends it are sent by the phase after, which awaits their answers a moment.
            if (step.ended().isEmpty()) step.sends().forEach(send -> effects.add(new Phase.Send(send)));
            if (step.kill()) effects.add(new Phase.Kill());
            step.escalations().forEach(e -> effects.add(new Phase.Escalate(e)));
            if (step.probe()) effects.add(new Phase.Probe(rules.sources().targets(), true));
            Shutdown.Stopped stopped = step.ended()
                    .map(running -> new Shutdown.Stopped(running, step.state().failed(), step.sends())).orElse(null);
            return new Turn<>(step.lines(), effects, step.wakeAt(), stopped);
        }
    }

    /**
     * {@code sends} each once (then the signals, when {@code kill}); their answers are said as they come, until all
     * came or {@code until} passed. Nothing is waited for beyond. The last resort after a defect of proa's own during
     * the shutdown, and the requests that went out only as the shutdown ended ({@code why} says which).
     */
    static final class AskingOnce implements Phase<Boolean> {
        private final List<Shutdown.Send> sends;
        private final long until;
        private final boolean kill;
        private final String why;
        private int left;

        AskingOnce(List<Shutdown.Send> sends, long until, boolean kill, String why) {
            this.sends = sends;
            this.until = until;
            this.kill = kill;
            this.why = why;
            this.left = sends.size();
        }

        public SignalStep.Phase signals() {
            return SignalStep.Phase.SHUTTING_DOWN;
        }

        public Turn<Boolean> begin(long now) {
            List<Phase.Effect> effects = new ArrayList<>();
            sends.forEach(send -> effects.add(new Phase.Send(send)));
            if (kill) effects.add(new Phase.Kill());
            return new Turn<>(List.of(), effects, until, left == 0 ? true : null);
        }

        public Turn<Boolean> on(Event event, long now) {
            List<Line> lines = List.of();
            if (event instanceof RequestEnded r) {
                for (Shutdown.Send send : sends) {
                    if (send.index() != r.index()) continue;
                    lines = RequestRetry.once(send.request(), r.result(), why);
                    left--;
                }
            }
            return Turn.of(lines, until, left == 0 || now >= until ? true : null);
        }
    }
}
