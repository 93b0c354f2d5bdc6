package dev.proa.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.proa.lifecycle.Outcome.Reason;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each outcome's exit status, Event and termination message, chosen by the outcome's type alone. */
class OutcomeTest {
    static Stream<Arguments> outcomes() {
        return Stream.of(
                Arguments.of(new Outcome.Ran(3), 3, new Outcome.Event("CommandExited", false,
                        "COMMAND exited with status 3"), "COMMAND exited with status 3"),
                Arguments.of(new Outcome.Ran(0), 0, new Outcome.Event("CommandExited", false,
                        "COMMAND exited with status 0"), "COMMAND exited with status 0"),
                Arguments.of(new Outcome.NotStarted(Reason.SIDECAR_FAILED, "sidecar proxy exited with code 1"), 125,
                        new Outcome.Event("StartupFailed", true, "sidecar proxy exited with code 1"),
                        "startup failed (exit 125): sidecar proxy exited with code 1"),
                Arguments.of(new Outcome.NotStarted(Reason.STARTUP_TIMEOUT, "startup timeout of 2s passed"), 125,
                        new Outcome.Event("StartupFailed", true, "startup timeout of 2s passed"),
                        "startup failed (exit 125): startup timeout of 2s passed"),
                Arguments.of(new Outcome.NotStarted(Reason.NO_CLUSTER, "no Pod to watch; see proa's log"), 125,
                        new Outcome.Event("StartupFailed", true, "no Pod to watch; see proa's log"),
                        "startup failed (exit 125): no Pod to watch; see proa's log"),
                Arguments.of(new Outcome.NotStarted(Reason.NOT_FOUND, "could not start COMMAND: no such file (exit 127)"),
                        127, new Outcome.Event("StartupFailed", true, "could not start COMMAND: no such file (exit 127)"),
                        "could not start COMMAND: no such file (exit 127)"),
                Arguments.of(new Outcome.NotStarted(Reason.NOT_EXECUTABLE, "could not start COMMAND: denied (exit 126)"),
                        126, new Outcome.Event("StartupFailed", true, "could not start COMMAND: denied (exit 126)"),
                        "could not start COMMAND: denied (exit 126)"),
                Arguments.of(new Outcome.Signalled(15), 143, new Outcome.Event("StartupFailed", true,
                        "signal 15 arrived before COMMAND started"),
                        "startup failed (exit 143): signal 15 arrived before COMMAND started"),
                Arguments.of(new Outcome.Failed("an error of proa's own (boom)"), 125, null,
                        "startup failed: an error of proa's own (boom)"));
    }

    @ParameterizedTest
    @MethodSource("outcomes")
    void choosesTheStatusTheEventAndTheMessage(Outcome outcome, int status, Outcome.Event event, String summary) {
        assertEquals(status, outcome.status());
        assertEquals(Optional.ofNullable(event), outcome.event());
        assertEquals(summary, outcome.summary());
    }

    @ParameterizedTest
    @MethodSource("launches")
    void aFailedLaunchGivesTheReasonOfItsStatus(int status, Reason reason) {
        assertEquals(reason, Reason.ofLaunch(status));
        assertEquals(status, reason.status);
    }

    static Stream<Arguments> launches() {
        return Stream.of(Arguments.of(127, Reason.NOT_FOUND), Arguments.of(126, Reason.NOT_EXECUTABLE),
                Arguments.of(125, Reason.LAUNCH_FAILED));
    }
}
