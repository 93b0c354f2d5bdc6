package dev.proa;

import java.io.IOException;

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

    private ExitStatus() {}

    /** The shell's convention for a process that died of signal {@code signal}. */
    static int ofSignal(int signal) {
        return 128 + signal;
    }

    /**
     * Why {@link ProcessBuilder#start()} failed, as a shell would say it. The JDK reports the errno only in the message
     * ("error=2, No such file or directory"), so that is where it is read from.
     */
    static int ofLaunchFailure(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("error=2,") || message.contains("error=20,")) return NOT_FOUND; // ENOENT, ENOTDIR
        if (message.contains("error=13,") || message.contains("error=8,")) return NOT_EXECUTABLE; // EACCES, ENOEXEC
        return STARTUP_FAILED; // out of memory, too many processes, ...: proa's failure, not COMMAND's
    }
}
