package dev.proa.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.config.ExitStatus;
import dev.proa.config.ExitStatuses;
import dev.proa.lifecycle.Outcome.Reason;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each outcome's exit status, Event and termination message, chosen by the outcome's type alone. */
class OutcomeTest {
    private static final ExitStatuses DEFAULT = ExitStatuses.DEFAULT;
    /** Every remappable status renumbered: what --exit-status=sidecars-not-ready=90,proa-failed=91,... gives. */
    private static final ExitStatuses REMAPPED = new ExitStatuses(Map.of(ExitStatus.SIDECARS_NOT_READY, 90,
            ExitStatus.PROA_FAILED, 91, ExitStatus.NOT_EXECUTABLE, 92, ExitStatus.NOT_FOUND, 93));

    static Stream<Arguments> outcomes() {
        return Stream.of(
                Arguments.of(new Outcome.Ran(3), DEFAULT, 3, new Outcome.Event("CommandExited", false,
                        "COMMAND exited with status 3"), "COMMAND exited with status 3"),
                Arguments.of(new Outcome.Ran(125), REMAPPED, 125, new Outcome.Event("CommandExited", false,
                        "COMMAND exited with status 125"), "COMMAND exited with status 125"),
                Arguments.of(new Outcome.Ran(0), DEFAULT, 0, new Outcome.Event("CommandExited", false,
                        "COMMAND exited with status 0"), "COMMAND exited with status 0"),
                notStarted(Reason.SIDECAR_FAILED, "sidecar proxy exited with code 1", DEFAULT, 193),
                notStarted(Reason.SIDECAR_FAILED, "sidecar proxy exited with code 1", REMAPPED, 90),
                notStarted(Reason.STARTUP_TIMEOUT, "startup timeout of 2s passed", DEFAULT, 193),
                notStarted(Reason.STARTUP_TIMEOUT, "startup timeout of 2s passed", REMAPPED, 90),
                notStarted(Reason.NO_CLUSTER, "no Pod to watch; see proa's log", DEFAULT, 125),
                notStarted(Reason.NO_CLUSTER, "no Pod to watch; see proa's log", REMAPPED, 91),
                notStarted(Reason.POD_NOT_FOUND, "Pod jobs/x does not exist", DEFAULT, 125),
                notStarted(Reason.POD_GONE, "Pod jobs/x was deleted", REMAPPED, 91),
                notStarted(Reason.POD_MALFORMED, "Pod jobs/x has no containers in its spec", DEFAULT, 125),
                notStarted(Reason.SETUP_INVALID, "KUBERNETES_SERVICE_PORT is not a port", REMAPPED, 91),
                launch(Reason.NOT_FOUND, "could not start COMMAND: no such file", DEFAULT, 127),
                launch(Reason.NOT_FOUND, "could not start COMMAND: no such file", REMAPPED, 93),
                launch(Reason.NOT_EXECUTABLE, "could not start COMMAND: denied", DEFAULT, 126),
                launch(Reason.NOT_EXECUTABLE, "could not start COMMAND: denied", REMAPPED, 92),
                launch(Reason.LAUNCH_FAILED, "could not start COMMAND: out of memory", DEFAULT, 125),
                launch(Reason.LAUNCH_FAILED, "could not start COMMAND: out of memory", REMAPPED, 91),
                Arguments.of(new Outcome.Signalled(15), REMAPPED, 143, new Outcome.Event("StartupFailed", true,
                        "startup failed (exit 143): signal 15 arrived before COMMAND started"),
                        "startup failed (exit 143): signal 15 arrived before COMMAND started"),
                Arguments.of(new Outcome.Failed("an error of proa's own (boom)"), DEFAULT, 125, null,
                        "startup failed (exit 125): an error of proa's own (boom)"),
                Arguments.of(new Outcome.Failed("interrupted"), REMAPPED, 91, null,
                        "startup failed (exit 91): interrupted"));
    }

    /** The Event and the termination message say the status, as remapped, with the reason. */
    private static Arguments notStarted(Reason reason, String why, ExitStatuses statuses, int status) {
        String said = "startup failed (exit " + status + "): " + why;
        return Arguments.of(new Outcome.NotStarted(reason, why), statuses, status,
                new Outcome.Event("StartupFailed", true, said), said);
    }

    private static Arguments launch(Reason reason, String why, ExitStatuses statuses, int status) {
        String said = why + " (exit " + status + ")";
        return Arguments.of(new Outcome.NotStarted(reason, why), statuses, status,
                new Outcome.Event("StartupFailed", true, said), said);
    }

    @ParameterizedTest
    @MethodSource("outcomes")
    void choosesTheStatusTheEventAndTheMessage(Outcome outcome, ExitStatuses statuses, int status, Outcome.Event event,
            String summary) {
        assertEquals(status, outcome.status(statuses));
        assertEquals(Optional.ofNullable(event), outcome.event(statuses));
        assertEquals(summary, outcome.summary(statuses));
    }

    @ParameterizedTest
    @MethodSource("launches")
    void aFailedLaunchGivesTheReasonOfItsStatus(ExitStatus status, Reason reason) {
        assertEquals(reason, Reason.ofLaunch(status));
        assertEquals(status, reason.status);
    }

    static Stream<Arguments> launches() {
        return Stream.of(Arguments.of(ExitStatus.NOT_FOUND, Reason.NOT_FOUND),
                Arguments.of(ExitStatus.NOT_EXECUTABLE, Reason.NOT_EXECUTABLE),
                Arguments.of(ExitStatus.PROA_FAILED, Reason.LAUNCH_FAILED));
    }

    /** Every reason gives one of proa's remappable statuses: none is left to a number of its own. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Reason.class)
    void everyReasonGivesARemappableStatus(Reason reason) {
        assertTrue(reason.status.remappable(), reason::toString);
        assertEquals(REMAPPED.remapped().get(reason.status), new Outcome.NotStarted(reason, "x").status(REMAPPED));
    }
}
