package dev.proa.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        CommandSignals signals = CommandSignals.of(Map.of(Signals.IGNORED_VARIABLE, "1,13"));

        assertEquals(Set.of(1, 13), signals.ignored());
        assertEquals(0, signals.mask());
        assertFalse(signals.resetToDefault().contains(1));
        assertFalse(signals.resetToDefault().contains(9));
        assertTrue(signals.resetToDefault().containsAll(Set.of(2, 15, 28, 34, 64)));
        assertEquals(64 - 2 - 2 - 2, signals.resetToDefault().size());
        assertEquals(Set.of(), CommandSignals.of(Map.of()).ignored(), "no launcher: nothing known ignored");
        assertEquals(Set.of(), CommandSignals.of(Map.of(Signals.IGNORED_VARIABLE, "")).ignored());
    }

    @Test
    void commandsEnvironmentLosesTheLaunchersVariablesAndGetsTheUsersBack() {
        Map<String, String> env = new HashMap<>(Map.of(Signals.IGNORED_VARIABLE, "1", Signals.SR_VARIABLE, "64",
                "PROA_KEEP__JAVA_SR_SIGNUM", "40", "HOME", "/root"));

        Command.restoreJavaOptions(env);

        assertEquals(Map.of("_JAVA_SR_SIGNUM", "40", "HOME", "/root"), env);
    }

    @Test
    void theRelaunchPassesTheEnvironmentByteForByteAndAddsTheLaunchersTwo() {
        List<byte[]> environ = Relaunch.split("A=1\0A=2\0NOEQUALS\0_JAVA_SR_SIGNUM=40\0\u00e9=\u00ff\0"
                .getBytes(StandardCharsets.ISO_8859_1));

        List<String> env = Relaunch.environment(environ, "1,13").stream()
                .map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();

        assertEquals(List.of("A=1", "A=2", "NOEQUALS", "PROA_KEEP__JAVA_SR_SIGNUM=40", "\u00e9=\u00ff",
                "PROA_IGNORED_SIGNALS=1,13", "_JAVA_SR_SIGNUM=64"), env);
    }
}
