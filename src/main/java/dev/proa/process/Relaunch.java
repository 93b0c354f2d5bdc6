package dev.proa.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * {@code java -jar proa.jar}, with no launcher: the JVM starts with the JDK's signal handlers, prints a SIGQUIT's thread
 * dump and its own warnings on stdout (COMMAND's), and signals sent before proa's main are the JVM's. So main's first
 * act is to exec the same java again, in the same process (PID 1 stays PID 1), as the launcher would have started it:
 * the forwardable signals blocked, -Xrs (the JVM leaves them blocked: see {@link Signals}),
 * -XX:+DisplayVMOutputToStderr and -XX:-UsePerfData (no hsperfdata file, nor its warning), and the launcher's
 * variables. It costs one more JVM start (no manifest attribute can add JVM flags). Descriptors above stderr do not
 * survive it: the first JVM's own (its jar) are not COMMAND's to inherit, and there is no telling them apart.
 */
public final class Relaunch {
    /** The JVM flags the launcher also gives. */
    public static final List<String> FLAGS = List.of("-Xrs", "-XX:+DisplayVMOutputToStderr", "-XX:-UsePerfData",
            "-Djdk.lang.Process.launchMechanism=FORK"); // as the launcher: COMMAND not through jspawnhelper
    private static final String KEEP = "PROA_KEEP_";

    private Relaunch() {}

    /**
     * Execs this JVM again with the signals held, unless they already are; returns only when that failed (or was not
     * needed), with the reason to say, or null.
     */
    public static String ifNeeded(Map<String, String> env) {
        if (Signals.held(env)) return null;
        String ignored = IntStream.rangeClosed(1, 64).filter(Signals::forwardable).filter(Libc::ignored)
                .mapToObj(String::valueOf).collect(Collectors.joining(","));
        try {
            List<byte[]> args = split(Files.readAllBytes(Path.of("/proc/self/cmdline")));
            List<byte[]> environ = environment(split(Files.readAllBytes(Path.of("/proc/self/environ"))), ignored);
            List<byte[]> argv = new ArrayList<>();
            argv.add(args.getFirst());
            FLAGS.forEach(flag -> argv.add(flag.getBytes(StandardCharsets.UTF_8)));
            argv.addAll(args.subList(1, args.size()));
            closeOnExec();
            // This JVM's hsperfdata file: the next one keeps none, and this one will not exit to delete it.
            Files.deleteIfExists(Path.of("/tmp/hsperfdata_" + System.getProperty("user.name"),
                    String.valueOf(ProcessHandle.current().pid())));
            Libc.block(Signals.forwardableMask()); // from here on a signal waits for the next JVM's proa
            return "execve failed with errno " + Libc.execve("/proc/self/exe".getBytes(StandardCharsets.UTF_8), argv,
                    environ).errno;
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    /** The same environment, the user's own _JAVA_SR_SIGNUM kept for COMMAND as the launcher keeps it, and its two. */
    static List<byte[]> environment(List<byte[]> environ, String ignored) {
        byte[] sr = (Signals.SR_VARIABLE + "=").getBytes(StandardCharsets.UTF_8);
        List<byte[]> env = new ArrayList<>();
        for (byte[] entry : environ) env.add(startsWith(entry, sr) ? concat(KEEP.getBytes(StandardCharsets.UTF_8), entry) : entry);
        env.add((Signals.IGNORED_VARIABLE + "=" + ignored).getBytes(StandardCharsets.UTF_8));
        env.add((Signals.SR_VARIABLE + "=" + Signals.SR_SIGNAL).getBytes(StandardCharsets.UTF_8));
        return env;
    }

    /** /proc's NUL-separated strings, each as its bytes. */
    static List<byte[]> split(byte[] bytes) {
        List<byte[]> strings = new ArrayList<>();
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if (b == 0) {
                strings.add(current.toByteArray());
                current.reset();
            } else {
                current.write(b);
            }
        }
        if (current.size() > 0) strings.add(current.toByteArray());
        return strings;
    }

    private static void closeOnExec() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            fds.map(p -> p.getFileName().toString()).filter(s -> s.matches("\\d+")).mapToInt(Integer::parseInt)
                    .filter(fd -> fd > 2).forEach(Libc::closeOnExec);
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && java.util.Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
