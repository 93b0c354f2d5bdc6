package dev.proa;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A COMMAND that cannot be started, through the real proa process (see {@link BadInput}): one sentence naming
 * COMMAND, the system's reason and what to check; 127 when it is not found, 126 when it cannot be executed — never
 * /bin/sh's reading of a file that is not a program (execvp's fallback for ENOEXEC, which answered with the shell's
 * syntax error and status 2, proa's usage status).
 */
class CommandBadInputsIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not found on PATH            | no-such-command-anywhere | 127 | check that it is installed, with its directory on PATH (PATH=/usr/bin:/bin)
            not found at a path          | DIR/missing/command      | 127 | check the path
            a script whose #! is missing | DIR/orphan-script        | 127 | a missing #! interpreter of a script
            not executable               | DIR/not-executable       | 126 | check that it is a file with the executable bit set
            a directory                  | DIR                      | 126 | Permission denied
            neither a program nor #!     | DIR/not-a-program        | 126 | it is neither a program for this machine nor a script starting with #!
            """)
    void aCommandThatCannotBeStartedIsNamedWithWhatToCheck(String what, String command, int status, String naming)
            throws Exception {
        Path script = Files.writeString(dir.resolve("orphan-script"), "#!/no/such/interpreter\n");
        script.toFile().setExecutable(true);
        Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\necho ran\n");
        Path text = Files.writeString(dir.resolve("not-a-program"), "echo ran by a shell\n(\n");
        text.toFile().setExecutable(true);
        String path = command.replace("DIR", dir.toString());

        long started = System.nanoTime();
        ProaRun run = ProaRun.start(dir, Map.of("PATH", "/usr/bin:/bin"), List.of("--disabled", "--", path));

        BadInput.check(run, started, Duration.ofSeconds(20), status, "Could not start COMMAND " + path + ": ");
        BadInput.check(run, started, Duration.ofSeconds(20), status, naming);
        assertFalse(run.output().contains("ran"), "nothing ran it: " + run.output());
        assertFalse(run.log().contains("Syntax error") || run.log().contains("not found"), "no shell: " + run.log());
    }
}
