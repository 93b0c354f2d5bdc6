package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.proa.config.Options;
import dev.proa.lifecycle.SignalStep;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * While COMMAND runs, a defect of proa's own in a step must not end the wait: COMMAND's status is what proa exits with.
 * The step here fails on the first event it is given, as a step with a defect would; the loop is proa's.
 */
class RunningPhaseTest {
    private final RecordingLogger log = new RecordingLogger();

    /** A phase that fails on its first event and ends with status 7 on its second. */
    private static final class FailsOnce implements Phase<Integer> {
        private int events;

        public SignalStep.Phase signals() {
            return SignalStep.Phase.RUNNING;
        }

        public Phase.Turn<Integer> begin(long now) {
            return Phase.Turn.of(List.of(), Long.MAX_VALUE, null);
        }

        public Phase.Turn<Integer> on(Event event, long now) {
            if (++events == 1) throw new IllegalStateException("a step's defect");
            return Phase.Turn.of(List.of(), Long.MAX_VALUE, 7);
        }
    }

    @Test
    void aStepThatFailsIsSaidAndTheWaitGoesOnUntilCommandExits() throws Exception {
        Options options = new Options();
        Options.commandLine(options, Map.of()).parseArgs("true");
        EventLoop loop = PodWaitTest.lifecycle(log, options);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return loop.untilExit(new FailsOnce());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        loop.signal(10, "USR1");
        TestSupport.awaitTrue(() -> log.count("while COMMAND runs") > 0 || status.isDone());
        loop.signal(12, "USR2");

        assertEquals(7, status.get(20, TimeUnit.SECONDS), log.lines::toString);
        assertEquals(1, log.count("WARN proa failed on an error of its own while COMMAND runs (a step's defect; the"
                + " details at --log-level=debug); COMMAND goes on, and proa waits for it as before"), log.lines::toString);
        assertFalse(log.lines.stream().anyMatch(l -> !l.startsWith("DEBUG") && l.contains("Exception")),
                log.lines::toString);
    }
}
