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

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Cannot run program "x": error=2, No such file or directory                       | 127
            Cannot run program "/opt/app/run" (in directory "/work"): error=2, No such file or directory | 127
            Cannot run program "/etc/passwd/x": error=20, Not a directory                    | 127
            Cannot run program "./run.sh": error=13, Permission denied                       | 126
            Cannot run program "./blob": error=8, Exec format error                          | 126
            Cannot run program "x": error=12, Cannot allocate memory                         | 125
            Cannot run program "x": error=11, Resource temporarily unavailable               | 125
            Cannot run program "x": error=24, Too many open files                            | 125
            Cannot run program "x": error=130, Owner died                                    | 125
            Stream closed                                                                    | 125
            """)
    void ofLaunchFailure(String message, int status) {
        assertEquals(status, ExitStatus.ofLaunchFailure(new IOException(message).getMessage()));
    }

    @Test
    void ofLaunchFailureWithoutMessage() {
        assertEquals(ExitStatus.STARTUP_FAILED, ExitStatus.ofLaunchFailure(new IOException().getMessage()));
    }

    /** The wording of the JDK this builds with (25): ProcessBuilder.start() on Linux, whatever the launch mechanism. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Cannot run program "/nonexistent/cmd": Exec failed, error: 2 (No such file or directory)  | 127
            Cannot run program "/etc/passwd/x": Exec failed, error: 20 (Not a directory)             | 127
            Cannot run program "/etc/passwd": Exec failed, error: 13 (Permission denied)             | 126
            Cannot run program "x": Exec failed, error: 12 (Cannot allocate memory)                  | 125
            """)
    void ofLaunchFailureInTheWordingOfJdk25(String message, int status) {
        assertEquals(status, ExitStatus.ofLaunchFailure(new IOException(message).getMessage()));
    }

    /** posix_spawnp's errno, as a shell says it: ENOENT, ENOTDIR 127; EACCES, ENOEXEC 126; the rest proa's failure. */
    @ParameterizedTest(name = "errno {0} -> {1}")
    @CsvSource({"2, 127", "20, 127", "13, 126", "8, 126", "12, 125", "11, 125", "7, 125"})
    void ofExecErrno(int errno, int status) {
        assertEquals(status, ExitStatus.ofExecErrno(errno));
    }

    @Test
    void launchingAMissingProgramIsNotFound() {
        IOException e = assertThrows(IOException.class, () -> new ProcessBuilder("/nonexistent/cmd").start());
        assertEquals(ExitStatus.NOT_FOUND, ExitStatus.ofLaunchFailure(e.getMessage()), e.getMessage());
    }

    @Test
    void launchingBelowAFileIsNotFound(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "not a directory\n");
        IOException e = assertThrows(IOException.class,
                () -> new ProcessBuilder(file.resolve("cmd").toString()).start());
        assertEquals(ExitStatus.NOT_FOUND, ExitStatus.ofLaunchFailure(e.getMessage()), e.getMessage());
    }

    @Test
    void launchingAFileWithoutExecPermissionIsNotExecutable(@TempDir Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> new ProcessBuilder(script.toString()).start());
        assertEquals(ExitStatus.NOT_EXECUTABLE, ExitStatus.ofLaunchFailure(e.getMessage()), e.getMessage());
    }
}
