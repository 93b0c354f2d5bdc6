package dev.proa;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The exit statuses proa itself gives, and the mapping of how COMMAND ended onto one. */
final class ExitStatus {
    /** Bad command line or environment: nothing was started. */
    static final int USAGE = 2;
    /** proa could not start COMMAND: startup failed, timed out, or was cut short. */
    static final int STARTUP_FAILED = 125;
    /** COMMAND exists but could not be executed. */
    static final int NOT_EXECUTABLE = 126;
    /** COMMAND was not found. */
    static final int NOT_FOUND = 127;

    private static final Pattern ERRNO = Pattern.compile("error[=:] ?(\\d+)");

    private ExitStatus() {}

    /** The shell's convention for a process that died of signal {@code signal}. */
    static int ofSignal(int signal) {
        return 128 + signal;
    }

    /**
     * Why {@link ProcessBuilder#start()} failed, as a shell would say it. The JDK reports the errno only in the message
     * ("error=2, No such file..." before JDK 25, "Exec failed, error: 2 (No such file...)" since), so it is read there.
     */
    static int ofLaunchFailure(IOException e) {
        return switch (errno(e)) {
            case 2, 20 -> NOT_FOUND; // ENOENT, ENOTDIR
            case 13, 8 -> NOT_EXECUTABLE; // EACCES, ENOEXEC
            default -> STARTUP_FAILED; // out of memory, too many processes, ...: proa's failure, not COMMAND's
        };
    }

    /** The errno in a launch failure's message, or -1. */
    static int errno(IOException e) {
        Matcher m = ERRNO.matcher(String.valueOf(e.getMessage()));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
