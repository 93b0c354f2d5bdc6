package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.process.Launch;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How long ago proa's process started, from /proc/uptime and /proc/self/stat. */
class LaunchTest {
    private static final String STAT_REST = " S 1 4587 4587 0 -1 4194560 3021 0 0 0 41 12 0 0 20 0 19 0 %d 5361745920 21345";

    @Test
    void theStartIsTheUptimeLessTheStartTicks() {
        assertEquals(Optional.of(Duration.ofMillis(3_450)),
                Launch.since("2513.98 1556.16\n", "4587 (java)" + STAT_REST.formatted(251053)));
    }

    @Test
    void aCommandNameWithSpacesAndParenthesesIsSkippedWhole() {
        assertEquals(Optional.of(Duration.ofMillis(980)),
                Launch.since("100.00 50.00", "7 (my (odd) name) x)" + STAT_REST.formatted(9902)));
    }

    @Test
    void whatCannotBeReadSaysNothing() {
        assertEquals(Optional.empty(), Launch.since("", "4587 (java)" + STAT_REST.formatted(1)));
        assertEquals(Optional.empty(), Launch.since("10.00 1.00", "4587 (java) S 1"));
        assertEquals(Optional.empty(), Launch.since("10.00 1.00", "4587 (java)" + STAT_REST.formatted(5000)));
    }

    @Test
    void thisProcessStartedBeforeNow() {
        long now = System.nanoTime();
        long started = Launch.nanoTime();
        assertTrue(started < now, "the test JVM started before this test ran");
        assertTrue(now - started < Duration.ofHours(1).toNanos());
    }
}
