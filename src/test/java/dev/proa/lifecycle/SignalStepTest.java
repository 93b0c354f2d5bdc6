package dev.proa.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.proa.lifecycle.SignalStep.Effect;
import dev.proa.lifecycle.SignalStep.Phase;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What each signal does in each phase: a table, no threads, no signals sent. */
class SignalStepTest {
    @ParameterizedTest(name = "{0} after {1} stop(s), {2} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
            STARTING      | 0 | TERM | STOP_STARTUP | 1 | WARN Received SIGTERM before COMMAND started: COMMAND will not be started; proa exits 143
            STARTING      | 0 | USR1 | STOP_STARTUP | 0 | WARN Received SIGUSR1 before COMMAND started: COMMAND will not be started; proa exits 138
            STARTING      | 0 | HUP  | STOP_STARTUP | 0 | WARN Received SIGHUP before COMMAND started: COMMAND will not be started; proa exits 129
            RUNNING       | 0 | TERM | FORWARD      | 1 |
            RUNNING       | 1 | INT  | FORWARD      | 2 |
            RUNNING       | 0 | USR2 | FORWARD      | 0 |
            SHUTTING_DOWN | 0 | TERM | NONE         | 1 | INFO Received SIGTERM during the shutdown: it goes on; send SIGTERM or SIGINT again to stop waiting for the sidecars
            SHUTTING_DOWN | 1 | TERM | SKIP_WAITING | 2 | WARN Received SIGTERM again during the shutdown: no longer waiting for the sidecars to stop
            SHUTTING_DOWN | 1 | INT  | SKIP_WAITING | 2 | WARN Received SIGINT again during the shutdown: no longer waiting for the sidecars to stop
            SHUTTING_DOWN | 1 | USR1 | NONE         | 1 | INFO Received SIGUSR1 during the shutdown: ignored
            SHUTTING_DOWN | 0 | HUP  | NONE         | 0 | INFO Received SIGHUP during the shutdown: ignored
            """)
    void eachSignalInEachPhase(Phase phase, int stops, String name, Effect effect, int stopsAfter, String line) {
        SignalStep.Step step = SignalStep.received(new SignalStep.State(phase, stops), number(name), name);

        assertEquals(effect, step.effect());
        assertEquals(new SignalStep.State(phase, stopsAfter), step.state());
        assertEquals(line == null ? List.of() : List.of(line), step.lines().stream().map(Line::toString).toList());
    }

    private static int number(String name) {
        return switch (name) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "USR1" -> 10;
            case "USR2" -> 12;
            default -> 15;
        };
    }
}
