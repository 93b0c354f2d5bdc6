package dev.proa.process;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * What proa itself was given when it started, so that COMMAND gets the same as it would under tini: its argv bytes
 * (/proc/self/cmdline), its environment bytes (/proc/self/environ, or the block the dist's launcher hands over), the
 * descriptors that were open, and the signals that were ignored. Taken first thing in main, before proa opens a file.
 * <p>
 * The dist's launcher (and {@link Relaunch} under {@code java -jar}) says what the JVM cannot see, in system
 * properties (which COMMAND never sees): {@code proa.fds}, the descriptors open when it started (a closed 0-2 it held
 * with /dev/null, so that the JVM's lib/modules did not land there); {@code proa.ignored} ({@link
 * Signals#IGNORED_PROPERTY}), the signals ignored then (the JVM takes over some ignored signals, such as PIPE);
 * {@code proa.environ}, a memfd with the environment block as proa was given it (read at once), because the JVM's
 * differs: without the variables meant for the user's own Java program (JAVA_TOOL_OPTIONS and its kin), with
 * HotSpot's {@code _JAVA_SR_SIGNUM} set to proa's. Without them (proa in a JVM of someone else's making) the
 * descriptors are those open now that the JVM did not open itself: not close-on-exec (none survives an exec with the
 * flag), and not the runtime's files or proa's jar.
 */
public final class Inherited {
    /** The descriptors open at the start, the ignored signals (bit N-1 for signal N), the environment block's entries. */
    public record Snapshot(List<Integer> fds, long ignored, List<byte[]> environment) {}

    private static final long CLOSE_ON_EXEC = 02000000; // O_CLOEXEC in /proc/self/fdinfo's octal flags
    private static final String MEMFD = "/memfd:proa-environ";
    private static Snapshot snapshot;

    private Inherited() {}

    /** Takes the snapshot, once: first thing in main. */
    public static synchronized Snapshot snapshot() {
        if (snapshot == null) snapshot = new Snapshot(fds(), ignored(), environment());
        return snapshot;
    }

    /**
     * COMMAND's argv as the bytes proa was given: the last {@code command.size()} entries of /proc/self/cmdline, which
     * are the JVM's last arguments (picocli takes COMMAND as the rest of the line). The JVM decoded them with
     * sun.jnu.encoding, so a byte not valid there became '?' or U+FFFD; should they not be what picocli found (an
     * argument file, a run inside a test's JVM), the Strings themselves, encoded as the JVM decoded them.
     */
    public static List<byte[]> argv(List<String> command) {
        Charset charset = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        List<byte[]> cmdline = entries(read(Path.of("/proc/self/cmdline")));
        List<byte[]> raw = cmdline.size() >= command.size()
                ? cmdline.subList(cmdline.size() - command.size(), cmdline.size()) : List.of();
        List<byte[]> encoded = command.stream().map(s -> s.getBytes(charset)).toList();
        for (int i = 0; i < raw.size(); i++) {
            if (!Arrays.equals(new String(raw.get(i), charset).getBytes(charset), encoded.get(i))) return encoded;
        }
        return raw.isEmpty() && !command.isEmpty() ? encoded : List.copyOf(raw);
    }

    /** A block of NUL-terminated strings (/proc/self/cmdline, /proc/self/environ), as its entries. */
    static List<byte[]> entries(byte[] block) {
        List<byte[]> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < block.length; i++) {
            if (block[i] == 0) {
                entries.add(Arrays.copyOfRange(block, start, i));
                start = i + 1;
            }
        }
        if (start < block.length) entries.add(Arrays.copyOfRange(block, start, block.length));
        return entries;
    }

    private static List<byte[]> environment() {
        String fd = System.getProperty("proa.environ");
        if (fd != null && fd.matches("\\d{1,9}") && target(Integer.parseInt(fd)).startsWith(MEMFD)) {
            return entries(read(Path.of("/proc/self/fd/" + fd))); // not among proa.fds: COMMAND never gets it
        }
        byte[] block = read(Path.of("/proc/self/environ"));
        if (fd == null && (block.length > 0 || System.getenv().isEmpty())) return entries(block);
        // No /proc: the environment as the JDK keeps it (each name once, in no particular order), less HotSpot's
        // suspend signal when the launcher set it (a user's own is lost then).
        return System.getenv().entrySet().stream().filter(e -> fd == null || !e.getKey().equals(Signals.SR_VARIABLE))
                .map(e -> (e.getKey() + "=" + e.getValue()).getBytes(
                        Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")))).toList();
    }

    private static long ignored() {
        String given = System.getProperty(Signals.IGNORED_PROPERTY);
        String status = new String(read(Path.of("/proc/self/status")), java.nio.charset.StandardCharsets.US_ASCII);
        String now = status.lines().filter(l -> l.startsWith("SigIgn:")).map(l -> l.substring(7).strip())
                .findFirst().orElse("0");
        return Long.parseUnsignedLong(given != null && given.matches("[0-9a-fA-F]{1,16}") ? given : now, 16);
    }

    private static List<Integer> fds() {
        String given = System.getProperty("proa.fds");
        if (given != null && given.matches("(\\d{1,9}(,\\d{1,9})*)?")) {
            return given.isEmpty() ? List.of() : Stream.of(given.split(",")).map(Integer::valueOf).sorted().toList();
        }
        List<Integer> open = open();
        if (open.isEmpty()) return List.of(0, 1, 2); // no /proc: what every process is given
        String jdk = realPath(System.getProperty("java.home"));
        return open.stream().filter(fd -> !ownedByJvm(fd, jdk)).toList();
    }

    /** The descriptors open now, in order; none when /proc cannot say. */
    static List<Integer> open() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+")).map(Integer::valueOf)
                    .sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String realPath(String path) {
        try {
            return Path.of(path).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return path;
        }
    }

    private static boolean ownedByJvm(int fd, String jdk) {
        String target = target(fd);
        if (target.isEmpty()) return true; // gone already: the directory listing above, closed
        if (target.startsWith(jdk + "/") || target.startsWith(System.getProperty("java.home") + "/")) return true;
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty() && target.equals(Path.of(entry).toAbsolutePath().normalize().toString())) return true;
        }
        String info = new String(read(Path.of("/proc/self/fdinfo/" + fd)), java.nio.charset.StandardCharsets.US_ASCII);
        return info.lines().filter(l -> l.startsWith("flags:")).map(l -> Long.parseLong(l.substring(6).strip(), 8))
                .anyMatch(flags -> (flags & CLOSE_ON_EXEC) != 0);
    }

    /** Whether {@code fd} is a terminal, by its name: asking the terminal itself costs linking libc's calls. */
    static boolean isTerminal(int fd) {
        String target = target(fd);
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.startsWith("/dev/console");
    }

    private static String target(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
