package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How COMMAND is started, side by side with the init programs containers already trust: Debian's tini and dumb-init,
 * run in the same test as the reference oracles. Each scenario hands an init (proa's jar, proa's dist, tini,
 * dumb-init), as PID 1 of a new PID namespace and not, exactly the same argv bytes, environment bytes, descriptors and
 * ignored signals, through src/test/c/pid1probe.c (which the JDK's ProcessBuilder could not do), and compares what
 * COMMAND, the probe, reports of itself. Where proa differs by design, the test says so (and the README says why).
 */
class Pid1ConformanceIT {
    @TempDir
    Path dir;
    private static Path probe;

    enum Init {
        PROA_JAR, PROA_DIST, TINI, DUMB_INIT;

        boolean proa() {
            return this == PROA_JAR || this == PROA_DIST;
        }

        List<String> command(List<String> proaOptions) throws Exception {
            List<String> command = new ArrayList<>(switch (this) {
                case PROA_JAR -> List.of(ProaRun.JAVA, "-jar", ProaRun.JAR.toAbsolutePath().toString(), "--disabled");
                case PROA_DIST -> List.of(Dist.built().resolve("bin/proa").toString(), "--disabled");
                case TINI -> List.of("/usr/bin/tini", "-s");
                case DUMB_INIT -> List.of("/usr/bin/dumb-init");
            });
            if (proa()) command.addAll(proaOptions);
            command.add("--");
            return command;
        }
    }

    @BeforeAll
    static void compileProbe(@TempDir Path tools) throws Exception {
        probe = Dist.compiled("pid1probe", tools, "pid1probe", List.of("gcc", "-O"));
        for (String init : List.of("/usr/bin/tini", "/usr/bin/dumb-init")) {
            TestSupport.requirePrivilege(Files.isExecutable(Path.of(init)),
                    init + " (the reference oracle: apt-get install tini dumb-init, as .ci/run does)");
        }
    }

    /** One scenario run: what the init exited with, and what COMMAND reported of itself (a line per item). */
    record Run(int status, Map<String, String> report, String log) {
        String get(String key) {
            return report.getOrDefault(key, "(absent)");
        }

        /** The descriptors COMMAND had, and what each is, with the run's own directory as RUN. */
        String fds(Path runDir) {
            return report.entrySet().stream().filter(e -> e.getKey().startsWith("fd "))
                    .map(e -> e.getKey() + " " + e.getValue().replace(runDir.toString(), "RUN"))
                    .collect(Collectors.joining("\n"));
        }
    }

    private static final List<byte[]> ODD_ARGS = List.of(bytes("a\u00ffb", true), new byte[0], bytes("--help", false),
            bytes("two words", false), bytes("\u00c3\u00a9t\u00c3\u00a9", true)); // é in UTF-8, then a lone 0xff
    /**
     * Out of order, a name twice, an entry without '=', a user's own PROA_KEEP_X, a value not in UTF-8, a variable the
     * dist's launcher keeps from proa's JVM, and a user's own _JAVA_SR_SIGNUM (proa's JVM gets its own: the launcher and
     * the relaunch hand proa the environment as it was in a memfd).
     */
    private static final List<byte[]> ODD_ENV = List.of(bytes("Z_FIRST=1", false), bytes("PATH=/usr/bin:/bin", false),
            bytes("DUP=1", false), bytes("DUP=2", false), bytes("NO_EQUALS_SIGN", false), bytes("PROA_KEEP_X=mine", false),
            bytes("JAVA_TOOL_OPTIONS=-Dmeant.for=the-app", false), bytes("_JAVA_SR_SIGNUM=40", false),
            bytes("BYTES=\u00ff\u00fe", true),
            bytes("A_LAST=", false));

    private static byte[] bytes(String text, boolean latin1) {
        return text.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /**
     * Runs COMMAND = the probe with {@code args} under {@code init}, handed exactly {@code env}, descriptors as
     * {@code fds} says ("c0": closed, "o5=/etc/hostname": opened; "-"), signals {@code ignored} ("1,14"; "-").
     */
    Run run(Init init, boolean pid1, List<String> proaOptions, List<byte[]> args, List<byte[]> env, String fds,
            String ignored) throws Exception {
        Path runDir = Files.createTempDirectory(dir, init.name());
        Path report = runDir.resolve("report");
        List<byte[]> argv = new ArrayList<>();
        if (pid1) List.of("/usr/bin/unshare", "--pid", "--fork", "--mount-proc").forEach(a -> argv.add(bytes(a, false)));
        init.command(proaOptions).forEach(a -> argv.add(bytes(a, false)));
        argv.addAll(commandArgv(report, args));
        Files.write(runDir.resolve("argv"), block(argv));
        Files.write(runDir.resolve("env"), block(env));
        Path log = runDir.resolve("log");
        Process process = new ProcessBuilder(probe.toString(), "exec", runDir.resolve("argv").toString(),
                runDir.resolve("env").toString(), fds, ignored).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(new java.io.File("/dev/null")).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), init + " did not exit within 60s");
        Map<String, String> items = new LinkedHashMap<>();
        if (Files.exists(report)) {
            for (String line : Files.readAllLines(report)) {
                int split = line.startsWith("fd ") ? line.indexOf(' ', 3)
                        : line.startsWith("argv ") || line.startsWith("environ ") ? line.indexOf(' ')
                        : line.replace(':', ' ').lastIndexOf(' ');
                items.put(line.substring(0, split).replace(":", ""), line.substring(split + 1).strip());
            }
        }
        return new Run(process.exitValue(), items, Files.readString(log));
    }

    private static List<byte[]> commandArgv(Path report, List<byte[]> args) {
        List<byte[]> argv = new ArrayList<>(List.of(bytes(probe.toString(), false), bytes("report", false),
                bytes(report.toString(), false)));
        argv.addAll(args);
        return argv;
    }

    private static byte[] block(List<byte[]> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        entries.forEach(e -> {
            out.writeBytes(e);
            out.write(0);
        });
        return out.toByteArray();
    }

    private static String hex(byte[] block) {
        return HexFormat.ofDelimiter(" ").formatHex(block);
    }

    static List<Arguments> everyInit() {
        List<Arguments> all = new ArrayList<>();
        for (Init init : Init.values()) {
            for (boolean pid1 : List.of(false, true)) all.add(Arguments.of(init, pid1));
        }
        return all;
    }

    private static void requireUnshare(boolean pid1) throws Exception {
        if (!pid1) return;
        Process unshare = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true").start();
        TestSupport.requirePrivilege(unshare.waitFor(10, TimeUnit.SECONDS) && unshare.exitValue() == 0,
                "needs root, for unshare --pid");
    }

    /**
     * argv and the environment byte for byte, under LANG=C.UTF-8 and with no LANG (the JVM decodes its own argv with
     * it); an inherited descriptor passed on and the JVM's own not; signals ignored when the init started stay ignored,
     * every other one at its default, none blocked; COMMAND in a process group of its own.
     */
    @ParameterizedTest(name = "{0}, PID 1: {1}")
    @MethodSource("everyInit")
    void commandGetsExactlyWhatTheInitWasGiven(Init init, boolean pid1) throws Exception {
        requireUnshare(pid1);
        for (boolean utf8 : List.of(true, false)) {
            List<byte[]> env = new ArrayList<>(ODD_ENV);
            if (utf8) env.add(1, bytes("LANG=C.UTF-8", false));
            Run run = run(init, pid1, List.of(), ODD_ARGS, env, "o5=/etc/hostname", "1,14");
            String where = init + (pid1 ? " as PID 1" : "") + (utf8 ? " with LANG=C.UTF-8" : " without LANG") + "; log:\n"
                    + run.log();

            assertEquals(0, run.status(), where);
            assertEquals(hex(block(ODD_ARGS)), argsOf(run), "argv, byte for byte: " + where);
            assertEquals(hex(block(env)), run.get("environ"), "environ, byte for byte: " + where);
            assertEquals("/dev/null", run.get("fd 0"), where);
            assertEquals("/etc/hostname", run.get("fd 5"), "an inherited descriptor: " + where);
            assertEquals(List.of(0, 1, 2, 5), fdNumbers(run), "no descriptor of the init's own: " + where);
            assertEquals("0000000000000000", run.get("SigBlk"), "nothing blocked: " + where);
            assertEquals("0000000000000000", run.get("SigCgt"), where);
            // HUP and ALRM ignored by the caller: tini and proa keep them ignored; dumb-init resets every signal to
            // its default (its own choice: the reference here is tini).
            assertEquals(init == Init.DUMB_INIT ? "0000000000000000" : "0000000000002001", run.get("SigIgn"), where);
            assertEquals("1", run.get("own process group"), where);
            // dumb-init starts COMMAND in a session of its own (setsid); tini and proa in a process group of its own.
            assertEquals(init == Init.DUMB_INIT ? "1" : "0", run.get("session leader"), where);
        }
    }

    private static String argsOf(Run run) {
        // The probe's argv: its path, "report", the report's path, then the scenario's arguments.
        String argv = run.get("argv");
        String[] bytes = argv.split(" ");
        int nuls = 0;
        int i = 0;
        while (nuls < 3 && i < bytes.length) {
            if (bytes[i++].equals("00")) nuls++;
        }
        return String.join(" ", Arrays.copyOfRange(bytes, i, bytes.length));
    }

    private static List<Integer> fdNumbers(Run run) {
        return run.report().keySet().stream().filter(k -> k.startsWith("fd ")).map(k -> Integer.valueOf(k.substring(3)))
                .sorted().toList();
    }

    /**
     * A closed stdin and stdout stay closed in COMMAND (the JVM opens its own files on the lowest free descriptor: its
     * lib/modules became COMMAND's stdin). tini refuses to start with a closed stdin (tcsetpgrp: Bad file descriptor),
     * so dumb-init is the reference here.
     */
    @ParameterizedTest(name = "{0}, PID 1: {1}")
    @MethodSource("everyInit")
    void closedDescriptorsStayClosed(Init init, boolean pid1) throws Exception {
        requireUnshare(pid1);
        Run run = run(init, pid1, List.of(), List.of(), ODD_ENV, "c0,c1,o7=/etc/hostname", "-");
        String where = init + (pid1 ? " as PID 1" : "") + "; log:\n" + run.log();

        if (init == Init.TINI) {
            assertTrue(run.status() != 0 && run.log().contains("tcsetpgrp failed"), "tini's own limit: " + where);
            return;
        }
        assertEquals(0, run.status(), where);
        assertEquals(List.of(2, 7), fdNumbers(run), "0 and 1 closed, 7 passed on: " + where);
    }

    /**
     * SIGPIPE, SIGQUIT and SIGUSR2 ignored by the caller: tini and the dist keep them ignored. QUIT and USR2 are proa's
     * to forward, not its JVM's (-Xrs, and HotSpot's suspend signal moved to 64), so they are still ignored in proa
     * when COMMAND starts; PIPE the dist's launcher reports. The jar's first JVM installs handlers of its own for all
     * three before proa runs (USR2 for thread suspension, unless a _JAVA_SR_SIGNUM moves it: none here), so proa
     * cannot know they were ignored: COMMAND gets them at their defaults (the README says so).
     */
    @Test
    void ignoredSignalsStayIgnoredInTheDistAsUnderTini() throws Exception {
        List<byte[]> env = ODD_ENV.stream().filter(e -> !new String(e, StandardCharsets.ISO_8859_1)
                .startsWith("_JAVA_SR_SIGNUM=")).toList();
        for (Init init : List.of(Init.TINI, Init.PROA_DIST, Init.PROA_JAR)) {
            Run run = run(init, false, List.of(), List.of(), env, "-", "3,12,13");
            assertEquals(0, run.status(), init + ": " + run.log());
            assertEquals(init == Init.PROA_JAR ? "0000000000000000" : "0000000000001804", run.get("SigIgn"),
                    init + ": " + run.log());
        }
    }

    /**
     * 127 for a COMMAND not found, 126 for one that is not executable or is a directory, as tini (dumb-init gives 2
     * for each). A file with the executable bit that is neither a binary nor a #! script: tini and dumb-init run it
     * through /bin/sh (execvp's fallback), whose "not found" gives 127 there; proa, by design, says it cannot be
     * executed, 126, as the README promises.
     */
    @ParameterizedTest(name = "{0}, PID 1: {1}")
    @MethodSource("everyInit")
    void execFailuresGiveTheShellsStatuses(Init init, boolean pid1) throws Exception {
        requireUnshare(pid1);
        Path text = Files.writeString(dir.resolve("not-a-program"), "not a program\n");
        text.toFile().setExecutable(true);
        Path plain = Files.writeString(dir.resolve("not-executable"), "#!/bin/sh\n");
        Map<String, Integer> tini = Map.of("/nonexistent/command", 127, plain.toString(), 126, dir.toString(), 126,
                "no-such-command-anywhere", 127, text.toString(), 127);
        for (Map.Entry<String, Integer> c : tini.entrySet()) {
            Path runDir = Files.createTempDirectory(dir, "exec");
            List<byte[]> argv = new ArrayList<>();
            if (pid1) List.of("/usr/bin/unshare", "--pid", "--fork", "--mount-proc").forEach(a -> argv.add(bytes(a, false)));
            init.command(List.of()).forEach(a -> argv.add(bytes(a, false)));
            argv.add(bytes(c.getKey(), false));
            Files.write(runDir.resolve("argv"), block(argv));
            Files.write(runDir.resolve("env"), block(ODD_ENV));
            Process process = new ProcessBuilder(probe.toString(), "exec", runDir.resolve("argv").toString(),
                    runDir.resolve("env").toString(), "-", "-").redirectErrorStream(true)
                    .redirectOutput(runDir.resolve("log").toFile()).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            int expected = switch (init) {
                case TINI -> c.getValue();
                case DUMB_INIT -> c.getKey().equals(text.toString()) ? 127 : 2;
                default -> c.getKey().equals(text.toString()) ? 126 : c.getValue(); // no /bin/sh fallback, by design
            };
            assertEquals(expected, process.exitValue(), init + " " + c.getKey() + ": "
                    + Files.readString(runDir.resolve("log")));
        }
    }

    /**
     * On a terminal (a pty, from util-linux's script): COMMAND's process group is the terminal's foreground group and
     * its init's is not, so one Ctrl-C reaches COMMAND once, from the terminal, as under tini. When COMMAND exits, proa
     * takes the terminal back, so that the shell it returns to can read it (tini leaves it to COMMAND's empty group).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("terminalInits")
    void onATerminalCommandIsTheForegroundGroup(Init init) throws Exception {
        Path first = dir.resolve(init + "-first");
        Path after = dir.resolve(init + "-after");
        String inits = init.command(List.of()).stream().map(Pid1ConformanceIT::quote).collect(Collectors.joining(" "));
        String script = inits + " " + probe + " report " + first + "; " + probe + " report " + after;
        Process process = new ProcessBuilder("script", "-qec", script, "/dev/null").redirectErrorStream(true)
                .redirectOutput(dir.resolve(init + "-log").toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(dir.resolve(init + "-log"));
        Map<String, String> report = Files.readAllLines(first).stream().filter(l -> l.contains(" ") && !l.startsWith("fd"))
                .collect(Collectors.toMap(l -> l.substring(0, l.lastIndexOf(' ')), l -> l.substring(l.lastIndexOf(' ') + 1),
                        (a, b) -> a));

        assertEquals("1", report.get("own process group"), log);
        assertEquals("1", report.get("foreground"), "COMMAND holds the terminal: " + log);
        assertEquals("0", report.get("parent foreground"), "its init does not (one SIGINT per Ctrl-C): " + log);
        String back = Files.readAllLines(after).stream().filter(l -> l.startsWith("foreground ")).findFirst().orElseThrow();
        assertEquals(init == Init.TINI ? "foreground 0" : "foreground 1", back, "the terminal given back: " + log);
    }

    static List<Init> terminalInits() {
        return List.of(Init.PROA_JAR, Init.PROA_DIST, Init.TINI);
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * --process-group, as tini -g: a forwarded SIGTERM reaches every process of COMMAND's group. COMMAND is a shell
     * that ignores TERM and waits for a child that does not; the child's death ends the shell's wait.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("groupInits")
    void withTheProcessGroupOptionASignalReachesTheWholeGroup(Init init) throws Exception {
        List<String> command = new ArrayList<>(init.command(List.of("--process-group")));
        if (init == Init.TINI) command.add(1, "-g");
        Path waited = dir.resolve(init + "-waited");
        // The trap after the fork: an ignored signal stays ignored in a child.
        command.addAll(List.of("sh", "-c", "sleep 60 & child=$!; trap '' TERM; echo $child > "
                + dir.resolve(init + "-child") + "; wait $child; echo $? > " + waited));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(init + "-log").toFile()).start();
        TestSupport.awaitTrue(() -> Files.exists(dir.resolve(init + "-child"))); // COMMAND runs: the init forwards
        process.destroy(); // SIGTERM, to the init

        assertTrue(process.waitFor(20, TimeUnit.SECONDS), init + " did not end: " + TestSupport.read(dir.resolve(init + "-log")));
        assertEquals("143", Files.readString(waited).strip(), "sleep died of the forwarded TERM");
        assertEquals(0, process.exitValue(), TestSupport.read(dir.resolve(init + "-log")));
    }

    static List<Init> groupInits() {
        return List.of(Init.PROA_JAR, Init.TINI);
    }
}
