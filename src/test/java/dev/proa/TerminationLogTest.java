package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.report.TerminationLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The termination message: written where asked; a path given by name that cannot be written is said at warn. */
class TerminationLogTest {
    @TempDir Path dir;

    @Test
    void aGivenPathIsCreatedAndHoldsTheSummary() throws Exception {
        Path file = dir.resolve("termination-log");
        TerminationLog.write(new RecordingLogger(), file.toString(), true, "proa: COMMAND exited with status 3");
        assertEquals("proa: COMMAND exited with status 3", Files.readString(file));
    }

    @Test
    void aGivenPathThatCannotBeWrittenIsSaidWithWhy() {
        RecordingLogger log = new RecordingLogger();
        String path = dir.resolve("missing/termination-log").toString();
        TerminationLog.write(log, path, true, "proa: COMMAND exited with status 0");
        assertEquals(1, log.count("WARN Could not write the termination message to " + path
                + " (its directory does not exist): check --termination-log"), log.lines.toString());
    }

    @Test
    void theKubeletsDefaultPathIsLeftAloneWhereItDoesNotExist() {
        RecordingLogger log = new RecordingLogger();
        TerminationLog.write(log, dir.resolve("absent").toString(), false, "proa: COMMAND exited with status 0");
        assertTrue(log.lines.stream().noneMatch(l -> l.startsWith("WARN")), log.lines.toString());
        assertTrue(Files.notExists(dir.resolve("absent")));
    }
}
