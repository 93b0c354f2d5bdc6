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
            STARTING      | 0 | QUIT | STOP_STARTUP | 0 | WARN Received SIGQUIT before COMMAND started: COMMAND will not be started; proa exits 131
            STARTING      | 0 | ALRM | STOP_STARTUP | 0 | WARN Received SIGALRM before COMMAND started: COMMAND will not be started; proa exits 142
            STARTING      | 0 | SYS  | STOP_STARTUP | 0 | WARN Received SIGSYS before COMMAND started: COMMAND will not be started; proa exits 159
            STARTING      | 0 | RTMIN+3 | STOP_STARTUP | 0 | WARN Received SIGRTMIN+3 before COMMAND started: COMMAND will not be started; proa exits 165
            STARTING      | 0 | WINCH | NONE        | 0 | DEBUG Received SIGWINCH before COMMAND started: nothing to do
            STARTING      | 0 | CONT | NONE         | 0 | DEBUG Received SIGCONT before COMMAND started: nothing to do
            STARTING      | 0 | URG  | NONE         | 0 | DEBUG Received SIGURG before COMMAND started: nothing to do
            STARTING      | 0 | TSTP | NONE         | 0 | INFO Received SIGTSTP before COMMAND started: ignored (proa does not stop itself, and there is no COMMAND to stop yet)
            STARTING      | 0 | TTIN | NONE         | 0 | INFO Received SIGTTIN before COMMAND started: ignored (proa does not stop itself, and there is no COMMAND to stop yet)
            STARTING      | 0 | TTOU | NONE         | 0 | INFO Received SIGTTOU before COMMAND started: ignored (proa does not stop itself, and there is no COMMAND to stop yet)
            RUNNING       | 0 | WINCH | FORWARD     | 0 |
            RUNNING       | 0 | TSTP | FORWARD      | 0 |
            RUNNING       | 0 | CONT | FORWARD      | 0 |
            RUNNING       | 0 | QUIT | FORWARD      | 0 |
            RUNNING       | 0 | RTMIN+3 | FORWARD   | 0 |
            SHUTTING_DOWN | 0 | WINCH | NONE        | 0 | DEBUG Received SIGWINCH during the shutdown: nothing to do
            SHUTTING_DOWN | 0 | TSTP | NONE         | 0 | DEBUG Received SIGTSTP during the shutdown: nothing to do
            SHUTTING_DOWN | 0 | ALRM | NONE         | 0 | INFO Received SIGALRM during the shutdown: ignored
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
            case "QUIT" -> 3;
            case "USR1" -> 10;
            case "USR2" -> 12;
            case "ALRM" -> 14;
            case "CONT" -> 18;
            case "TSTP" -> 20;
            case "TTIN" -> 21;
            case "TTOU" -> 22;
            case "URG" -> 23;
            case "WINCH" -> 28;
            case "SYS" -> 31;
            case "RTMIN+3" -> 37;
            default -> 15;
        };
    }

    /** Every signal proa forwards, in every phase: a defined effect, and a line except when forwarded. */
    @org.junit.jupiter.api.Test
    void everyForwardableSignalHasAnAnswerInEveryPhase() {
        for (int n = 1; n <= 64; n++) {
            if (!dev.proa.process.Signals.forwardable(n)) continue;
            String name = dev.proa.process.Signals.name(n);
            for (Phase phase : Phase.values()) {
                SignalStep.Step step = SignalStep.received(new SignalStep.State(phase, 0), n, name);
                assertEquals(phase == Phase.RUNNING, step.effect() == Effect.FORWARD, name + " in " + phase);
                assertEquals(phase == Phase.RUNNING, step.lines().isEmpty(), name + " in " + phase);
            }
        }
    }
}
