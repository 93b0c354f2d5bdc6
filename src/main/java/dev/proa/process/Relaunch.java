package dev.proa.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code java -jar proa.jar}, with no launcher: the JVM starts with the JDK's signal handlers, prints a SIGQUIT's thread
 * dump and its own warnings on stdout (COMMAND's), and signals sent before proa's main are the JVM's. So main's first
 * act is to exec the same java again, in the same process (PID 1 stays PID 1), as the launcher would have started it:
 * the forwardable signals blocked, -Xrs (the JVM leaves them blocked: see {@link Signals}),
 * -XX:+DisplayVMOutputToStderr and -XX:-UsePerfData (no hsperfdata file, nor its warning), HotSpot's suspend signal
 * moved to 64, and what the next JVM could not see, as the launcher gives it (see {@link Inherited}): the descriptors
 * this JVM was given ({@code -Dproa.fds}; they stay open through the exec, the JVM's own close), the signals ignored
 * ({@code -Dproa.ignored}), and the environment block as it was ({@code -Dproa.environ}, a memfd). The next JVM's
 * /proc/self/cmdline ends with these same argument bytes. It costs one more JVM start (no manifest attribute can add
 * JVM flags).
 */
public final class Relaunch {
    /** The JVM flags the launcher also gives. */
    public static final List<String> FLAGS = List.of("-Xrs", "-XX:+DisplayVMOutputToStderr", "-XX:-UsePerfData",
            "-Djdk.lang.Process.launchMechanism=FORK"); // as the launcher: no jspawnhelper
    private static final String MEMFD = "proa-environ";

    private Relaunch() {}

    /**
     * Execs this JVM again with the signals held, unless they already are; returns only when that failed (or was not
     * needed), with the reason to say, or null.
     */
    public static String ifNeeded() {
        if (Signals.held()) return null;
        try {
            Inherited.Snapshot given = Inherited.snapshot(); // before this opens a file of its own
            long ignored = IntStream.rangeClosed(1, 64).filter(n -> n != 9 && n != 19).filter(Libc::ignored)
                    .mapToLong(n -> 1L << (n - 1)).reduce(0, (a, b) -> a | b);
            List<byte[]> args = Inherited.entries(Files.readAllBytes(Path.of("/proc/self/cmdline")));
            int environ = LibcExec.memfd(MEMFD, given.environment());
            List<byte[]> argv = new ArrayList<>();
            argv.add(args.getFirst());
            properties(given.fds(), ignored, environ).forEach(flag -> argv.add(flag.getBytes(StandardCharsets.UTF_8)));
            FLAGS.forEach(flag -> argv.add(flag.getBytes(StandardCharsets.UTF_8)));
            argv.addAll(args.subList(1, args.size()));
            closeOnExecAllBut(given.fds(), environ);
            // This JVM's hsperfdata file: the next one keeps none, and this one will not exit to delete it.
            Files.deleteIfExists(Path.of("/tmp/hsperfdata_" + System.getProperty("user.name"),
                    String.valueOf(ProcessHandle.current().pid())));
            Libc.block(Signals.forwardableMask()); // from here on a signal waits for the next JVM's proa
            return "execve failed with errno " + LibcExec.execve("/proc/self/exe".getBytes(StandardCharsets.UTF_8), argv,
                    environment(given.environment())).errno;
        } catch (IOException | Libc.Failure | RuntimeException e) {
            return e.toString();
        }
    }

    /** What the next JVM is told, as the launcher tells it: see {@link Inherited}. */
    static List<String> properties(List<Integer> fds, long ignored, int environ) {
        return List.of("-Dproa.fds=" + fds.stream().map(String::valueOf).collect(Collectors.joining(",")),
                "-D" + Signals.IGNORED_PROPERTY + "=" + HexFormat.of().toHexDigits(ignored),
                "-Dproa.environ=" + environ);
    }

    /** The next JVM's environment: the same, with HotSpot's suspend signal moved (COMMAND gets the memfd's). */
    static List<byte[]> environment(List<byte[]> environ) {
        byte[] sr = (Signals.SR_VARIABLE + "=").getBytes(StandardCharsets.UTF_8);
        List<byte[]> env = new ArrayList<>();
        for (byte[] entry : environ) {
            if (entry.length < sr.length || !Arrays.equals(entry, 0, sr.length, sr, 0, sr.length)) env.add(entry);
        }
        env.add((Signals.SR_VARIABLE + "=" + Signals.SR_SIGNAL).getBytes(StandardCharsets.UTF_8));
        return env;
    }

    /** This JVM's own descriptors (its jar, its runtime's files) close at the exec; COMMAND's and the memfd stay. */
    private static void closeOnExecAllBut(List<Integer> fds, int environ) {
        Inherited.open().stream().filter(fd -> !fds.contains(fd) && fd != environ).forEach(LibcExec::closeOnExec);
    }
}
