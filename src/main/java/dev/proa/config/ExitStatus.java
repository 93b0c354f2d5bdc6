package dev.proa.config;

/** The exit statuses proa itself gives, and the mapping of how COMMAND ended onto one. */
public final class ExitStatus {
    /** Bad command line or environment: nothing was started. */
    public static final int USAGE = 2;
    /** proa could not start COMMAND: startup failed, timed out, or was cut short. */
    public static final int STARTUP_FAILED = 125;
    /** COMMAND exists but could not be executed. */
    public static final int NOT_EXECUTABLE = 126;
    /** COMMAND was not found. */
    public static final int NOT_FOUND = 127;

    private ExitStatus() {}

    /** The shell's convention for a process that died of signal {@code signal}. */
    public static int ofSignal(int signal) {
        return 128 + signal;
    }

    /** Why COMMAND could not be started, as a shell would say it, from the errno exec or posix_spawn set. */
    public static int ofExecErrno(int errno) {
        return switch (errno) {
            case 2, 20 -> NOT_FOUND; // ENOENT, ENOTDIR
            case 13, 8 -> NOT_EXECUTABLE; // EACCES, ENOEXEC
            default -> STARTUP_FAILED; // out of memory, too many processes, ...: proa's failure, not COMMAND's
        };
    }
}
