package dev.proa.lifecycle;

import dev.proa.config.ExitStatus;

import java.util.List;

/**
 * What a signal does, by the lifecycle's phase (a pure step function):
 * <ul>
 *   <li>before COMMAND starts: it is never started; the shutdown runs and proa exits 128+N;</li>
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

    /** What to do about it. */
    public enum Effect { STOP_STARTUP, FORWARD, SKIP_WAITING, NONE }

    public record Step(State state, Effect effect, List<Line> lines) {}

    /** Signal {@code number}, named {@code name} ("TERM"), arrived. */
    public static Step received(State state, int number, String name) {
        String signal = "SIG" + name;
        boolean isStop = name.equals("TERM") || name.equals("INT");
        State next = new State(state.phase(), state.stops() + (isStop ? 1 : 0));
        return switch (state.phase()) {
            case STARTING -> new Step(next, Effect.STOP_STARTUP, List.of(Line.warn("Received " + signal + " before"
                    + " COMMAND started: COMMAND will not be started; proa exits " + ExitStatus.ofSignal(number))));
            case RUNNING -> new Step(next, Effect.FORWARD, List.of());
            case SHUTTING_DOWN -> {
                if (isStop && next.stops() > 1) {
                    yield new Step(next, Effect.SKIP_WAITING, List.of(Line.warn("Received " + signal + " again during"
                            + " the shutdown: no longer waiting for the sidecars to stop")));
                }
                yield new Step(next, Effect.NONE, List.of(Line.info(isStop
                        ? "Received " + signal + " during the shutdown: it goes on; send SIGTERM or SIGINT again to"
                                + " stop waiting for the sidecars"
                        : "Received " + signal + " during the shutdown: ignored")));
            }
        };
    }
}
