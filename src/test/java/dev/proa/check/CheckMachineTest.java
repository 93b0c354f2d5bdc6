package dev.proa.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.config.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code proa check} on a machine whose system calls proa does not know: a problem to fix, exit 1. (No JVM can be made
 * to claim another architecture, so the reason is given as the run's wiring gives it; no Pod: only a TCP target.)
 */
class CheckMachineTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Test
    void aMachineProaCannotRunOnIsAProblem() {
        String why = "proa knows Linux's system call numbers for x86-64, arm64 and riscv64, not for this JVM's"
                + " architecture (os.arch s390x): run proa on one of those";

        assertEquals(1, check(why), report());
        assertTrue(report().contains("  - " + why), report());
    }

    @Test
    void aKnownMachineAddsNoProblem() {
        assertEquals(0, check(null), report());
    }

    /** proa check --wait-tcp=127.0.0.1:1, on a machine as {@code unknownMachine} says: its exit status. */
    private int check(String unknownMachine) {
        Options options = new Options();
        Options.checkCommandLine(options, Map.of(), "check").parseArgs("--wait-tcp=127.0.0.1:1");
        options.validate();
        return Check.run(options.settings(), Map.of(), false, false, new PrintStream(out, true, StandardCharsets.UTF_8),
                unknownMachine);
    }

    private String report() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
