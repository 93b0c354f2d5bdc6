package dev.proa.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the reaper does when the kernel says proa has no child (its processes' tests: Pid1IT, SignalsIT). */
class ReaperTest {
    @ParameterizedTest(name = "started since: {0}, owns a child: {1} → {2}")
    @CsvSource({
        // COMMAND started while the reaper waited for the lock: look at once (it may have exited already)
        "true,  true,  WAIT_AGAIN_NOW",
        "true,  false, WAIT_AGAIN_NOW",
        // nothing to wait for until spawn starts something and wakes the reaper
        "false, false, SLEEP_UNTIL_SPAWN",
        // the kernel disagrees with proa's own list: look again, without spinning
        "false, true,  RETRY_SOON",
    })
    void afterNoChild(boolean startedSince, boolean ownsAChild, Reaper.AfterNoChild expected) {
        assertEquals(expected, Reaper.afterNoChild(startedSince, ownsAChild));
    }
}
