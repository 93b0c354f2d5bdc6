package dev.proa.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The exit statuses proa gives of its own, one row each: the name {@code --exit-status} remaps it by, its default
 * number, and what it means. The README's "Exit status" table and --help's both say this table (a test holds the README
 * to it); COMMAND's own status and 128+N are not proa's to number, and are listed around it ({@link #table}).
 */
public enum ExitStatus {
    /** Not remappable: it is found before any option can be trusted, the remapping one included. */
    USAGE("usage", 2, "a usage error: an unknown option, a malformed value (--exit-status's too), no COMMAND; nothing"
            + " was started or sent"),
    /** Why the numbers: the README's "Exit status". 193 is past every 128+N (SIGRTMAX is 64) and below exit(-N)'s 25x. */
    SIDECARS_NOT_READY("sidecars-not-ready", 193, "the sidecars never became ready: the startup timed out"
            + " (--on-startup-timeout=fail) with the Pod read (or with only --wait-http/--wait-tcp targets to wait for),"
            + " or a sidecar terminated for good before it was ready; COMMAND was not started"),
    PROA_FAILED("proa-failed", 125, "proa itself failed: its set-up is wrong (a variable, file or token), the Pod was"
            + " not found, was deleted or is malformed, there is no cluster to ask, the API server never gave the Pod"
            + " before the startup timeout, proa failed on a defect of its own or was interrupted, the system could"
            + " not start a process, or proa runs on a machine whose system calls it does not know; COMMAND was not"
            + " started"),
    NOT_EXECUTABLE("not-executable", 126, "COMMAND was found but could not be executed"),
    NOT_FOUND("not-found", 127, "COMMAND was not found");

    /** Its name: the one --exit-status takes, for those it remaps. */
    public final String key;
    /** The status when no --exit-status remaps it. */
    public final int code;
    public final String meaning;

    ExitStatus(String key, int code, String meaning) {
        this.key = key;
        this.code = code;
        this.meaning = meaning;
    }

    /** Whether --exit-status may give it another number: all but the usage error's. */
    public boolean remappable() {
        return this != USAGE;
    }

    /** The names --exit-status takes, as a message lists them. */
    public static String remappableKeys() {
        return Arrays.stream(values()).filter(ExitStatus::remappable).map(s -> s.key).collect(Collectors.joining(", "));
    }

    /** One row of the statuses' table, as --help and the README show it. {@code key} is empty for those not proa's. */
    public record Row(String status, String key, String meaning) {}

    /** Every status proa exits with, in the order the README and --help list them. */
    public static List<Row> table() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("COMMAND's", "", "COMMAND ran and exited with it: passed through unchanged"));
        rows.add(new Row("128+N", "", "COMMAND was killed by signal N; or proa received signal N before COMMAND started"
                + " (COMMAND was not started)"));
        for (ExitStatus s : values()) rows.add(new Row(Integer.toString(s.code), s.key, s.meaning));
        return List.copyOf(rows);
    }

    /** The shell's convention for a process that died of signal {@code signal}. */
    public static int ofSignal(int signal) {
        return 128 + signal;
    }

    /** Why COMMAND could not be started, as a shell would say it, from the errno exec or posix_spawn set. */
    public static ExitStatus ofExecErrno(int errno) {
        return switch (errno) {
            case 2, 20 -> NOT_FOUND; // ENOENT, ENOTDIR
            case 13, 8 -> NOT_EXECUTABLE; // EACCES, ENOEXEC
            default -> PROA_FAILED; // out of memory, too many processes, ...: proa's failure, not COMMAND's
        };
    }
}
