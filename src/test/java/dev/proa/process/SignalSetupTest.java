package dev.proa.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The signals' set-up as data: what is forwarded, what COMMAND starts with, what the relaunch passes on. */
class SignalSetupTest {
    @Test
    void forwardsEveryCatchableSignalButTheJvmsAndTheCLibrarysOwn() {
        for (int n : new int[] {4, 7, 8, 9, 11, 17, 19, 32, 33, 64}) assertFalse(Signals.forwardable(n), "signal " + n);
        for (int n : new int[] {1, 2, 3, 5, 6, 10, 12, 13, 14, 15, 18, 20, 21, 22, 24, 26, 27, 28, 29, 30, 31, 34, 63}) {
            assertTrue(Signals.forwardable(n), "signal " + n);
        }
        assertEquals(0x7ffffffe_7ffafa37L, Signals.forwardableMask(), "the launcher's mask, seen in /proc's SigBlk");
    }

    @Test
    void namesSignalsAsLinuxDoes() {
        assertEquals("TERM", Signals.name(15));
        assertEquals("WINCH", Signals.name(28));
        assertEquals("SYS", Signals.name(31));
        assertEquals("RTMIN+0", Signals.name(34));
        assertEquals("RTMIN+29", Signals.name(63));
    }

    @Test
    void commandKeepsOnlyTheSignalsIgnoredAtStartIgnored() {
        CommandSignals signals = CommandSignals.ofMask(0x1001); // -Dproa.ignored=1001: HUP and PIPE

        assertEquals(Set.of(1, 13), signals.ignored());
        assertEquals(0, signals.mask());
        assertFalse(signals.resetToDefault().contains(1));
        assertFalse(signals.resetToDefault().contains(9));
        assertTrue(signals.resetToDefault().containsAll(Set.of(2, 3, 12, 15, 28, 32, 33, 34, 64)),
                "QUIT and USR2 are proa's to forward, and glibc's 32 and 33 start at their defaults as under tini");
        assertEquals(64 - 2 - 2, signals.resetToDefault().size());
        assertEquals(~0x1001L & ~(1L << 8) & ~(1L << 18), signals.resetToDefaultMask());
        assertEquals(Set.of(), CommandSignals.ofMask(0).ignored());
        assertEquals(Set.of(64, 32), CommandSignals.ofMask(0x80000000_80000000L).ignored());
    }

    @Test
    void theRelaunchTellsTheNextJvmWhatTheLauncherWould() {
        assertEquals(List.of("-Dproa.fds=0,1,2,5", "-Dproa.ignored=0000000000001001", "-Dproa.environ=7"),
                Relaunch.properties(List.of(0, 1, 2, 5), 0x1001, 7));
        assertEquals(List.of("-Dproa.fds=", "-Dproa.ignored=0000000000000000", "-Dproa.environ=3"),
                Relaunch.properties(List.of(), 0, 3));
    }

    @Test
    void theRelaunchedJvmGetsItsOwnSuspendSignalAndCommandTheUsers() {
        List<byte[]> environ = Inherited.entries("A=1\0A=2\0NOEQUALS\0_JAVA_SR_SIGNUM=40\0\u00e9=\u00ff\0"
                .getBytes(StandardCharsets.ISO_8859_1));

        List<String> env = Relaunch.environment(environ).stream()
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();

        assertEquals(List.of("A=1", "A=2", "NOEQUALS", "\u00e9=\u00ff", "_JAVA_SR_SIGNUM=64"), env,
                "the JVM's; COMMAND gets the block as it was, through the memfd");
    }
}
