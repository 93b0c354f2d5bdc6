package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /opt/proa copied into the four kinds of image Jobs use, each a chroot holding /opt/proa, /proc, /dev, /etc/hosts and
 * the service account's files, plus: nothing else (FROM scratch); a musl loader and a static busybox (Alpine); a glibc
 * and no shell (distroless); a whole Debian userland (this machine's /usr, read-only). In each, proa is PID 1 of a new
 * PID namespace and runs the whole lifecycle over HTTPS against the mock API server, with a real sidecar process; and
 * COMMAND runs with the image's own loader and C library, and exactly the environment proa was given.
 */
class ImagesIT extends EndToEnd {
    private static final String SERVICE_ACCOUNT = "var/run/secrets/kubernetes.io/serviceaccount";
    private static final Pattern NEEDED = Pattern.compile("=> (/\\S+)");
    private static Path programs;
    private static final String CHROOT = Files.isExecutable(Path.of("/usr/sbin/chroot")) ? "/usr/sbin/chroot" : "/sbin/chroot";

    @BeforeAll
    static void buildDistAndPrograms() throws Exception {
        Dist.requireRoot("chroot, unshare and mount build the images");
        Dist.built();
        programs = Files.createTempDirectory("proa-images");
        Dist.compiled("probe", programs, "probe-static", List.of("musl-gcc", "-static"));
        Dist.compiled("probe", programs, "probe-musl", List.of("musl-gcc"));
        Dist.compiled("probe", programs, "probe-glibc", List.of("gcc"));
    }

    @Test
    void fromScratch() throws Exception {
        Path root = image();
        copy(programs.resolve("probe-static"), root.resolve("probe"));

        Run run = lifecycle(root, List.of("/probe", "3"));

        assertEquals(3, run.status, run.log);
        assertFalse(run.maps.stream().anyMatch(m -> m.startsWith("/opt/proa")), "nothing of proa's in COMMAND: " + run.maps);
    }

    @Test
    void alpineLikeMuslAndBusybox() throws Exception {
        Path root = image();
        Path probe = root.resolve("usr/bin/probe");
        copyWithLibraries(programs.resolve("probe-musl"), probe, root);
        busybox(root);

        Run run = lifecycle(root, List.of("sh", "-c", "/usr/bin/probe 4"));

        assertEquals(4, run.status, run.log);
        String loader = interpreter(programs.resolve("probe-musl"));
        assertTrue(run.maps.contains(loader), "COMMAND ran with the image's musl loader " + loader + ": " + run.maps);
        assertFalse(run.maps.stream().anyMatch(m -> m.startsWith("/opt/proa")), "nothing of proa's in COMMAND: " + run.maps);
    }

    @Test
    void distrolessLikeGlibcWithoutAShell() throws Exception {
        Path root = image();
        copyWithLibraries(programs.resolve("probe-glibc"), root.resolve("probe"), root);
        assertFalse(Files.exists(root.resolve("bin/sh")));

        Run run = lifecycle(root, List.of("/probe", "5"));

        assertEquals(5, run.status, run.log);
        assertTrue(run.maps.stream().anyMatch(m -> m.matches("/(usr/)?lib.*/libc\\.so\\.6")), "the image's glibc: " + run.maps);
        assertFalse(run.maps.stream().anyMatch(m -> m.startsWith("/opt/proa")), "nothing of proa's in COMMAND: " + run.maps);
    }

    @Test
    void debianLikeWithAShell() throws Exception {
        Path root = image();
        copy(programs.resolve("probe-glibc"), root.resolve("probe"));
        for (String link : List.of("bin", "lib", "lib64", "sbin")) {
            Path host = Path.of("/" + link);
            if (Files.isSymbolicLink(host)) Files.createSymbolicLink(root.resolve(link), Files.readSymbolicLink(host));
        }

        Run run = lifecycle(root, List.of("sh", "-c", "/probe 6"), "mount --bind -o ro /usr \"$0/usr\"");

        assertEquals(6, run.status, run.log);
        String libc = libraries(programs.resolve("probe-glibc")).stream().filter(l -> l.contains("libc.so")).findFirst()
                .orElseThrow();
        assertTrue(run.maps.contains(Path.of(libc).toRealPath().toString()), "the image's glibc " + libc + ": " + run.maps);
        assertFalse(run.maps.stream().anyMatch(m -> m.startsWith("/opt/proa")), "nothing of proa's in COMMAND: " + run.maps);
    }

    @Test
    void asPid1InAnAlpineLikeImageItForwardsSignalsAndReapsOrphans() throws Exception {
        Path root = image();
        busybox(root);
        Files.createDirectories(root.resolve("out"));
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        // Orphans a sleeper (re-parented to PID 1: proa), waits until it has died and no zombie is left (for 20 s at
        // most), says so, then waits for SIGTERM, on which it exits 7.
        String script = """
                trap 'echo TERM > /out/term; exit 7' TERM
                sh -c 'sleep 0.2 &'
                cat /proc/1/cmdline | tr '\\0' ' ' > /out/pid1
                i=0
                while [ $i -lt 200 ]; do
                  left=$(cat /proc/[0-9]*/stat 2>/dev/null | grep -c -e '(sleep)' -e ') Z ')
                  [ "$left" = 0 ] && break
                  sleep 0.1; i=$((i + 1))
                done
                echo "$left" > /out/left
                echo ready > /out/ready
                while true; do sleep 0.1; done""";
        Process proa = start(root, inCluster(root, "job"), List.of("sh", "-c", script), "");
        try {
            TestSupport.awaitTrue(() -> Files.exists(root.resolve("out/ready")) || !proa.isAlive());
            assertEquals("0", Files.readString(root.resolve("out/left")).strip(), "the orphan was reaped: " + log(root));
            assertTrue(Files.readString(root.resolve("out/pid1")).contains("proa.jar"), "proa is PID 1");

            Dist.run(List.of("kill", "-TERM", Long.toString(pid1(proa))), 1);

            assertTrue(proa.waitFor(60, TimeUnit.SECONDS), log(root));
            assertEquals(7, proa.exitValue(), log(root));
            assertEquals("TERM", Files.readString(root.resolve("out/term")).strip());
            assertTrue(log(root).contains("Forwarded SIGTERM to COMMAND"), log(root));
        } finally {
            proa.destroyForcibly();
        }
    }

    /** What COMMAND saw, and how the run ended. */
    private record Run(int status, String log, Set<String> maps) {}

    /**
     * The whole lifecycle in the image at {@code root}: proa waits for sidecar "proxy" (a real process, ready after a
     * second) over HTTPS, runs {@code command} (which prints what it sees: src/test/c/probe.c), asks proxy to stop.
     */
    private Run lifecycle(Path root, List<String> command) throws Exception {
        return lifecycle(root, command, "");
    }

    /** The variables a shell sets for what it runs (busybox sh and dash: PWD; busybox sh: SHLVL too): not proa's. */
    private static final Set<String> SET_BY_SHELLS = Set.of("PWD", "SHLVL");

    private Run lifecycle(Path root, List<String> command, String mounts) throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        FakeKubelet.Sidecar proxy = ProaRun.sidecar(dir, "proxy", 1000);
        try (FakeKubelet kubelet = new FakeKubelet(cluster, "job", Map.of("proxy", proxy))) {
            Map<String, String> env = inCluster(root, "job");
            env.put("JAVA_TOOL_OPTIONS", "-Dmeant.for=the-app");
            List<String> args = new ArrayList<>(List.of(
                    "--shutdown-http-post=http://127.0.0.1:" + proxy.port() + "/quitquitquit", "--"));
            args.addAll(command);
            Process proa = start(root, env, args, mounts);
            assertTrue(proa.waitFor(90, TimeUnit.SECONDS), "proa did not exit: " + log(root));
            String log = log(root);
            assertTrue(log.contains("Waiting for the sidecars of Pod jobs/job to be ready: proxy"), log);
            assertTrue(log.contains("all sidecars of Pod jobs/job (proxy) are ready: running COMMAND"), log);
            assertTrue(proxy.process().waitFor(10, TimeUnit.SECONDS), "proxy was asked to stop: " + log);
            assertEquals("POST /quitquitquit", Files.readString(dir.resolve("proxy.quit")));
            assertFalse(log.contains("Picked up"), "proa's JVM left the app's JAVA_TOOL_OPTIONS alone: " + log);

            List<String> out = Files.readAllLines(root.resolve("proa.stdout"));
            Map<String, String> seen = new LinkedHashMap<>();
            Set<String> maps = new TreeSet<>();
            for (String line : out) {
                if (line.startsWith("env ")) {
                    String name = line.substring(4, line.indexOf('='));
                    boolean byShell = command.getFirst().equals("sh") && SET_BY_SHELLS.contains(name);
                    if (!byShell) seen.put(name, line.substring(line.indexOf('=') + 1));
                }
                if (line.startsWith("map ")) maps.add(line.substring(4));
            }
            assertEquals(new TreeSet<>(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()),
                    new TreeSet<>(seen.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()),
                    "COMMAND got exactly proa's environment: nothing added (no LD_*, no PWD), the app's JVM options back");
            return new Run(proa.exitValue(), log, maps);
        } finally {
            proxy.process().destroyForcibly();
        }
    }

    /**
     * Starts /opt/proa/bin/proa in the chroot {@code root} as PID 1 of new PID and mount namespaces, with /proc and /dev
     * mounted there (and {@code mounts}, a shell command with the root as $0), its stdout and stderr in root/proa.*.
     */
    private static Process start(Path root, Map<String, String> env, List<String> args, String mounts) throws IOException {
        // The shell here adds PWD to what it runs: taken out again, so that proa gets exactly env.
        String setup = "mount --rbind /dev \"$0/dev\" && " + (mounts.isEmpty() ? "" : mounts + " && ")
                + "unset PWD OLDPWD && exec " + CHROOT + " \"$0\" \"$@\""; // by its path: PATH is the image's
        List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork",
                "--mount-proc=" + root.resolve("proc"), "sh", "-c", setup, root.toString(), "/opt/proa/bin/proa"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile())
                .redirectOutput(root.resolve("proa.stdout").toFile()).redirectError(root.resolve("proa.stderr").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        return builder.start();
    }

    /** The host's pid of the namespace's PID 1 (proa): unshare's only child. */
    private static long pid1(Process unshare) {
        return unshare.children().findFirst().orElseThrow(() -> new AssertionError("proa is not running")).pid();
    }

    private static String log(Path root) {
        return ProaRun.read(root.resolve("proa.stderr"));
    }

    /** proa's environment in the Pod: the service host and port (localhost: the mock API server, through /etc/hosts). */
    private Map<String, String> inCluster(Path root, String pod) throws IOException {
        Map<String, String> host = cluster.inClusterEnvironment(dir);
        Path account = Files.createDirectories(root.resolve(SERVICE_ACCOUNT));
        copy(Path.of(host.get("KUBERNETES_CERTS_CA_FILE")), account.resolve("ca.crt"));
        copy(Path.of(host.get("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN")), account.resolve("token"));
        Files.writeString(account.resolve("namespace"), MockCluster.NAMESPACE);
        Map<String, String> env = new HashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", host.get("KUBERNETES_SERVICE_HOST"));
        env.put("KUBERNETES_SERVICE_PORT", host.get("KUBERNETES_SERVICE_PORT"));
        env.put("POD_NAME", pod);
        env.put("HOSTNAME", pod);
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        return env;
    }

    /** An image holding only /opt/proa, and what a container runtime always provides: /proc, /dev, /etc/hosts. */
    private Path image() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("opt"));
        Dist.run(List.of("cp", "-a", Dist.built().toString(), root.resolve("opt/proa").toString()), 1);
        Files.createDirectories(root.resolve("proc"));
        Files.createDirectories(root.resolve("dev"));
        Files.createDirectories(root.resolve("usr"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hosts"), "127.0.0.1 localhost\n::1 localhost ip6-localhost\n");
        return root;
    }

    /** A static busybox as /bin/sh and the few commands the scripts here use, as Alpine has them. */
    private static void busybox(Path root) throws Exception {
        Path bin = Files.createDirectories(root.resolve("bin"));
        copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        for (String applet : List.of("sh", "sleep", "cat", "tr", "grep")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
    }

    /** {@code program} at {@code target}, with its loader and libraries at their own paths under {@code root}. */
    private static void copyWithLibraries(Path program, Path target, Path root) throws Exception {
        copy(program, target);
        List<String> files = new ArrayList<>(libraries(program));
        files.add(interpreter(program));
        for (String file : files) copy(Path.of(file), root.resolve(file.substring(1)));
    }

    private static String interpreter(Path program) throws Exception {
        return output(List.of("patchelf", "--print-interpreter", program.toString())).strip();
    }

    /** The libraries {@code program} needs, as its own loader resolves them on this machine. */
    private static List<String> libraries(Path program) throws Exception {
        List<String> found = new ArrayList<>();
        Matcher m = NEEDED.matcher(output(List.of(interpreter(program), "--list", program.toString())));
        while (m.find()) found.add(m.group(1));
        return found;
    }

    private static String output(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, command + ": " + out);
        return out;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
}
