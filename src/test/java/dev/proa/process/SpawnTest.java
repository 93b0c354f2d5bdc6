package dev.proa.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** posix_spawn as proa calls it: the rehearsal while proa waits, then the start. */
class SpawnTest {
    private static final Spawn.Request EXIT_3 = new Spawn.Request(
            List.of("sh".getBytes(UTF_8), "-c".getBytes(UTF_8), "exit 3".getBytes(UTF_8)),
            List.of(("PATH=" + System.getenv("PATH")).getBytes(UTF_8)), List.of(), 3, CommandSignals.ofMask(0), false);

    @Test
    void theRehearsalStartsNothingAndTheStartAfterItRuns() throws Exception {
        Set<Long> before = children();

        Spawn.rehearse(EXIT_3);
        Spawn.rehearse(EXIT_3); // as often as it likes

        assertEquals(before, children(), "a rehearsal starts no process");
        Spawn.Result started = Spawn.start(EXIT_3);
        assertEquals(0, started.errno());
        assertTrue(started.pid() > 0);
        assertEquals(3, Libc.reap(started.pid(), Libc.WEXITED).status(), "the start after it runs COMMAND as given");
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }
}
