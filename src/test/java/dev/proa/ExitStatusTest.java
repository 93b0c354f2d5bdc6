package dev.proa;

import dev.proa.config.ExitStatus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals(2, ExitStatus.USAGE);
        assertEquals(125, ExitStatus.STARTUP_FAILED);
        assertEquals(126, ExitStatus.NOT_EXECUTABLE);
        assertEquals(127, ExitStatus.NOT_FOUND);
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
        assertEquals(status, ExitStatus.ofExecErrno(errno));
    }
}
