package dev.proa;

import dev.proa.config.ExitStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExitStatusTest {

    @Test
    void constants() {
        assertEquals(2, ExitStatus.USAGE.code);
        assertEquals(193, ExitStatus.SIDECARS_NOT_READY.code);
        assertEquals(125, ExitStatus.PROA_FAILED.code);
        assertEquals(126, ExitStatus.NOT_EXECUTABLE.code);
        assertEquals(127, ExitStatus.NOT_FOUND.code);
    }

    /**
     * proa's own statuses are told apart from each other and from every 128+N (signals 1 to 64), so that a Job's
     * podFailurePolicy can name each; only --exit-status may merge them, on purpose.
     */
    @Test
    void ownStatusesAreDistinctAndNoneIsASignals() {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (ExitStatus status : ExitStatus.values()) {
            assertTrue(seen.add(status.code), status::toString);
            assertTrue(status.code < ExitStatus.ofSignal(1) || status.code > ExitStatus.ofSignal(64), status::toString);
        }
    }

    @Test
    void theUsageErrorIsTheOneStatusThatCannotBeRemapped() {
        assertEquals(java.util.List.of(ExitStatus.USAGE), java.util.Arrays.stream(ExitStatus.values())
                .filter(s -> !s.remappable()).toList());
        assertEquals("sidecars-not-ready, proa-failed, not-executable, not-found", ExitStatus.remappableKeys());
    }

    @ParameterizedTest(name = "signal {0} -> {1}")
    @CsvSource({"1, 129", "2, 130", "6, 134", "9, 137", "15, 143", "31, 159"})
    void ofSignal(int signal, int status) {
        assertEquals(status, ExitStatus.ofSignal(signal));
    }

    /** posix_spawnp's errno, as a shell says it: ENOENT, ENOTDIR 127; EACCES, ENOEXEC 126; the rest proa's failure. */
    @ParameterizedTest(name = "errno {0} -> {1}")
    @CsvSource({"2, 127", "20, 127", "13, 126", "8, 126", "12, 125", "11, 125", "7, 125"})
    void ofExecErrno(int errno, int status) {
        assertEquals(status, ExitStatus.ofExecErrno(errno).code);
    }
    /**
     * The README's "Exit status" table lists the code's table ({@link ExitStatus#table}, which --help prints): the
     * same statuses, with the same names, in the same order. Its meanings are written by hand.
     */
    @Test
    void theReadmeTableIsTheCodes() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Exit status\n");
        assertTrue(start >= 0, "the README has an Exit status section");
        String section = readme.substring(start + 1, readme.indexOf("\n## ", start + 1));
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| ([^|]+?) \\| (?:`([a-z-]+)`)? ?\\| [^|]")
                .matcher(section);
        java.util.List<String> listed = new java.util.ArrayList<>();
        while (row.find()) listed.add(row.group(1) + " " + (row.group(2) == null ? "" : row.group(2)));
        assertEquals(ExitStatus.table().stream().map(r -> r.status() + " " + r.key()).toList(), listed);
    }
}
