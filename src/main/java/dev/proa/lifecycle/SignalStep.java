package dev.proa.lifecycle;

import dev.proa.config.ExitStatus;

import java.util.List;
import java.util.Map;

/**
 * What a signal does, by the lifecycle's phase (a pure step function):
 * <ul>
 *   <li>before COMMAND starts: a signal that would end a program (its default action: SIGTERM, SIGINT, SIGHUP,
 *       SIGUSR1, SIGALRM, ...) means COMMAND is never started; the shutdown runs and proa exits 128+N. One that would
 *       not (SIGWINCH, SIGCONT, SIGURG) has nothing to act on, nor has one that would stop it (SIGTSTP, SIGTTIN,
 *       SIGTTOU): proa does not stop itself, which would only hold the startup (dumb-init does; tini ignores those it
 *       gets itself);</li>
 *   <li>while COMMAND runs: the same signal goes to COMMAND, whose exit then ends the run as usual;</li>
 *   <li>during the shutdown: the shutdown goes on (the kubelet's grace period bounds it), but a SIGTERM or SIGINT
 *       when proa had already received one skips the rest of the waiting.</li>
 * </ul>
 * A signal that arrives while COMMAND is being started waits in the event loop's queue, and goes to COMMAND once it runs.
 */
public final class SignalStep {
    private SignalStep() {}

    public enum Phase { STARTING, RUNNING, SHUTTING_DOWN }

    /** The phase, and how many SIGTERMs and SIGINTs arrived so far. */
    public record State(Phase phase, int stops) {
        public static final State INITIAL = new State(Phase.STARTING, 0);

        public State in(Phase next) {
            return new State(next, stops);
        }
    }

    /** What a signal does to a program that does not catch it: the kernel's default action (signal(7)). */
    public enum Default { END, STOP, NOTHING }

    /** The signals whose default action is not to end the program; every other one ends it (or dumps a core). */
    private static final Map<String, Default> DEFAULTS = Map.of("TSTP", Default.STOP, "TTIN", Default.STOP,
            "TTOU", Default.STOP, "STOP", Default.STOP, "WINCH", Default.NOTHING, "URG", Default.NOTHING,
            "CONT", Default.NOTHING, "CHLD", Default.NOTHING);

    /** Signal {@code name}'s ("TERM") default action. */
    public static Default defaultOf(String name) {
        return DEFAULTS.getOrDefault(name, Default.END);
    }

    /** What to do about it. */
    public enum Effect { STOP_STARTUP, FORWARD, SKIP_WAITING, NONE }

    public record Step(State state, Effect effect, List<Line> lines) {}

    /** Signal {@code number}, named {@code name} ("TERM"), arrived. */
    public static Step received(State state, int number, String name) {
        String signal = "SIG" + name;
        boolean isStop = name.equals("TERM") || name.equals("INT");
        State next = new State(state.phase(), state.stops() + (isStop ? 1 : 0));
        Default action = defaultOf(name);
        return switch (state.phase()) {
            case STARTING -> action == Default.END
                    ? new Step(next, Effect.STOP_STARTUP, List.of(Line.warn("Received " + signal + " before COMMAND"
                            + " started: COMMAND will not be started; proa exits " + ExitStatus.ofSignal(number))))
                    : new Step(next, Effect.NONE, List.of(action == Default.STOP
                            ? Line.info("Received " + signal + " before COMMAND started: ignored (proa does not stop"
                                    + " itself, and there is no COMMAND to stop yet)")
                            : Line.debug("Received " + signal + " before COMMAND started: nothing to do")));
            case RUNNING -> new Step(next, Effect.FORWARD, List.of());
            case SHUTTING_DOWN -> {
                if (isStop && next.stops() > 1) {
                    yield new Step(next, Effect.SKIP_WAITING, List.of(Line.warn("Received " + signal + " again during"
                            + " the shutdown: no longer waiting for the sidecars to stop")));
                }
                if (action != Default.END) {
                    yield new Step(next, Effect.NONE, List.of(Line.debug("Received " + signal
                            + " during the shutdown: nothing to do")));
                }
                yield new Step(next, Effect.NONE, List.of(Line.info(isStop
                        ? "Received " + signal + " during the shutdown: it goes on; send SIGTERM or SIGINT again to"
                                + " stop waiting for the sidecars"
                        : "Received " + signal + " during the shutdown: ignored")));
            }
        };
    }
}
