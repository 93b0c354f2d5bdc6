package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The self-contained distribution, built by src/build/dist (what mvn -Pdist package and the Dockerfile run) and run
 * the way users run it: with no Java on PATH and no JAVA_HOME, from another directory, through a symlink, as a
 * non-root user, on a read-only root filesystem.
 */
class DistIT {
    private static Path root; // world-readable, so that the non-root user can reach it
    private static Path dist;
    private static Path bin; // PATH: a shell and the few tools the launcher uses, and no java

    @BeforeAll
    static void build() throws Exception {
        dist = Dist.built();
        root = Files.createTempDirectory("proa-dist-run", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        // The launcher needs no shell and no tools: these are for the tests' own COMMANDs and for env -i.
        bin = Files.createDirectories(root.resolve("usr/local/bin"));
        for (String tool : List.of("sh", "cat", "env")) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
        }
        Files.createSymbolicLink(bin.resolve("proa"), dist.resolve("bin/proa"));
        Process chmod = new ProcessBuilder("chmod", "-R", "a+rX", root.toString()).start();
        assertEquals(0, chmod.waitFor());
    }

    @AfterAll
    static void clean() throws Exception {
        new ProcessBuilder("rm", "-rf", root.toString()).start().waitFor();
    }

    @Test
    void theLayoutIsCompleteAndSmall() throws Exception {
        for (String part : List.of("bin/proa", "runtime/bin/java", "lib/proa.jar", "lib/proa.aot", "legal/glibc/copyright",
                "legal/glibc/SOURCE", "legal/musl/copyright")) {
            assertTrue(Files.exists(dist.resolve(part)), part);
        }
        assertTrue(Files.isExecutable(dist.resolve("bin/proa")));
        assertFalse(Files.exists(dist.resolve("runtime/jmods")), "a runtime, not a JDK");
        try (var libc = Files.list(dist.resolve("runtime/libc"))) {
            assertTrue(libc.anyMatch(f -> f.getFileName().toString().startsWith("libc.so")), "its own C library");
        }
        byte[] launcher = Files.readAllBytes(dist.resolve("bin/proa"));
        assertEquals("\u007fELF", new String(launcher, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1),
                "the launcher is a native executable, not a script");
        Process interpreter = new ProcessBuilder("patchelf", "--print-interpreter", dist.resolve("bin/proa").toString())
                .redirectErrorStream(true).start();
        assertEquals(1, interpreter.waitFor(), "statically linked: no loader of the image's (patchelf found one)");
        try (var all = Files.walk(dist)) {
            long bytes = all.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            // 108 MiB measured on 2026-12-07, the jar stored uncompressed (see CacheableClasses: the image layer is
            // what is pulled, and it is smaller so). This keeps it from growing unnoticed (the AOT cache's size varies
            // a little with the training run).
            assertTrue(bytes <= 112L << 20, "the whole /opt/proa, C library included, grew to " + (bytes >> 20) + " MiB");
        }
        // Issue 26's target for the image layer: 38.6 MiB measured on 2026-12-07.
        long compressed = Dist.layerBytes(dist);
        assertTrue(compressed <= 40L << 20, "the dist as a compressed layer grew to " + (compressed >> 20) + " MiB");
    }

    @Test
    void versionRunsWithoutJavaThroughASymlinkAsNobodyOnAReadOnlyRoot() throws Exception {
        Result result = confined(Map.of(), List.of(bin.resolve("proa").toString(), "--version"));

        assertEquals(0, result.status, result.err);
        assertEquals("proa 0.1.0\n", result.out);
        assertEquals("", result.err, "no warning of any kind");
    }

    @Test
    void aFullRunWorksThatWayOverHttpsAndGivesCommandBackItsJavaOptions() throws Exception {
        try (MockCluster cluster = new MockCluster(true)) {
            Map<String, String> env = readyPodEnvironment(cluster);
            env.put("JAVA_TOOL_OPTIONS", "-Dmeant.for=the-app");

            Result result = confined(env, List.of(bin.resolve("proa").toString(), "--", "sh", "-c",
                    "echo ran; echo \"$JAVA_TOOL_OPTIONS\"; exit 3"));

            assertEquals(3, result.status, result.err);
            assertEquals("ran\n-Dmeant.for=the-app\n", result.out);
            assertTrue(result.err.contains("all sidecars of Pod jobs/job (proxy) are ready: running COMMAND"), result.err);
            assertFalse(result.err.contains("Picked up"), "proa's JVM did not take the app's options: " + result.err);
        }
    }

    @Test
    void theHandshakeWithTheApiServerOffersX25519AndSecp384r1KeySharesAndStillEveryGroup() throws Exception {
        try (MockCluster cluster = new MockCluster(true)) {
            Map<String, String> env = readyPodEnvironment(cluster);
            env.put("PROA_JVM_OPTIONS", "-Djavax.net.debug=ssl:handshake");

            Result result = confined(env, List.of(bin.resolve("proa").toString(), "--", "sh", "-c", "exit 0"));

            assertEquals(0, result.status, result.err);
            // The first ClientHello, up to the next message of the JDK's TLS debug log.
            String from = result.err.substring(result.err.indexOf("Produced ClientHello"));
            String hello = from.substring(0, from.indexOf("javax.net.ssl|", 1));
            // Each key share names its group ("named group"); the list of every group offered is "named groups".
            assertEquals(List.of("x25519", "secp384r1"), java.util.regex.Pattern.compile("\"named group\": (\\w+)")
                    .matcher(hello).results().map(m -> m.group(1)).toList(), hello);
            assertTrue(hello.contains("\"named groups\": [x25519, secp384r1, secp256r1, secp521r1, x448, ffdhe2048"), hello);
        }
    }

    @Test
    void theJarsClassesKeepTheirLineNumbersButNoLocalVariableTables() throws Exception {
        try (var jar = new java.util.zip.ZipFile(dist.resolve("lib/proa.jar").toFile())) {
            // One class of each kind: proa's own, a library's (Jackson is built with every debug table), picocli's.
            for (String name : List.of("dev/proa/Proa", "com/fasterxml/jackson/databind/ObjectMapper", "picocli/CommandLine")) {
                byte[] bytes;
                try (var in = jar.getInputStream(jar.getEntry(name + ".class"))) {
                    bytes = in.readAllBytes();
                }
                String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(text.contains("LineNumberTable"), name + " keeps its line numbers, for stack traces");
                assertFalse(text.contains("LocalVariableTable"), name + " still has a local variable table");
            }
        }
    }

    @Test
    void theAotCacheHoldsPicocliWhoseClassFilesWereTooOldForIt() throws Exception {
        try (var jar = new java.util.zip.ZipFile(dist.resolve("lib/proa.jar").toFile())) {
            List<String> old = jar.stream().filter(e -> e.getName().endsWith(".class")).filter(e -> {
                try (var in = jar.getInputStream(e)) {
                    return CacheableClasses.version(in.readNBytes(8)) < CacheableClasses.CACHEABLE;
                } catch (IOException x) {
                    throw new java.io.UncheckedIOException(x);
                }
            }).map(java.util.zip.ZipEntry::getName).toList();
            assertEquals(List.of(), old, "class files the AOT cache cannot hold");
        }
        // Parsed as every run is, then no Pod to watch (no API server here): exit 125.
        Result result = confined(Map.of("PROA_JVM_OPTIONS", "-Xlog:class+load=info:stdout"),
                List.of(bin.resolve("proa").toString(), "--log-level=debug", "--", "true"));
        assertEquals(125, result.status, result.err);
        List<String> picocli = result.out.lines().filter(line -> line.contains(" picocli.")).toList();
        assertFalse(picocli.isEmpty(), "picocli parsed the command line");
        assertEquals(List.of(), picocli.stream().filter(line -> !line.contains("source: shared objects file")).toList(),
                "picocli's classes loaded from the jar, not the AOT cache");
    }

    @Test
    void aMissingOrStaleAotCacheCostsOnlySpeed() throws Exception {
        Path copy = root.resolve("copy");
        new ProcessBuilder("cp", "-a", dist.toString(), copy.toString()).start().waitFor();
        String launcher = copy.resolve("bin/proa").toString();

        Files.delete(copy.resolve("lib/proa.aot"));
        Result missing = confined(Map.of(), List.of(launcher, "--version"));
        assertEquals(0, missing.status, missing.err);
        assertEquals("proa 0.1.0\n", missing.out);
        assertEquals("", missing.err);

        Files.copy(dist.resolve("lib/proa.aot"), copy.resolve("lib/proa.aot"), StandardCopyOption.REPLACE_EXISTING);
        // A jar other than the one trained with: the JVM notices by its modification time, and drops the cache.
        Files.setLastModifiedTime(copy.resolve("lib/proa.jar"), java.nio.file.attribute.FileTime.fromMillis(0));
        Result stale = confined(Map.of(), List.of(launcher, "--version"));
        assertEquals(0, stale.status, stale.err);
        assertEquals("proa 0.1.0\n", stale.out);
        assertEquals("", stale.err);

        Files.write(copy.resolve("lib/proa.aot"), new byte[4096]); // not a cache at all
        Result garbage = confined(Map.of(), List.of(launcher, "--version"));
        assertEquals(0, garbage.status, garbage.err);
        assertEquals("proa 0.1.0\n", garbage.out);
        assertEquals("", garbage.err);
    }

    private record Result(int status, String out, String err) {}

    /**
     * Runs {@code command} from /, as uid 65534, with only {@code env} and PATH={@link #bin}, in a mount namespace
     * whose root filesystem is read-only. Falls back to running it plainly when not root (no unshare).
     */
    private static Result confined(Map<String, String> env, List<String> command) throws Exception {
        Dist.requireRoot("unshare, setpriv");
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "sh", "-c",
                "mount -o remount,bind,ro / && exec \"$@\"", "sh",
                "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env", "-i", "PATH=" + bin));
        env.forEach((k, v) -> argv.add(k + "=" + v));
        argv.addAll(command);
        Path out = Files.createTempFile("proa-dist", ".out");
        Path err = Files.createTempFile("proa-dist", ".err");
        try {
            Process p = new ProcessBuilder(argv).directory(Path.of("/").toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "proa did not exit: " + Files.readString(err));
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Pod "job" with its sidecar ready, and the environment of proa in it (see the next method). */
    private static Map<String, String> readyPodEnvironment(MockCluster cluster) throws IOException {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
        Map<String, String> env = readableInClusterEnvironment(cluster);
        env.put("POD_NAME", "job");
        return env;
    }

    /** The in-cluster environment, with its CA and token where uid 65534 can read them. */
    private static Map<String, String> readableInClusterEnvironment(MockCluster cluster) throws IOException {
        Path secrets = Files.createDirectories(root.resolve("secrets"));
        Map<String, String> env = new HashMap<>(cluster.inClusterEnvironment(secrets));
        Path ca = secrets.resolve("ca.crt");
        Files.copy(Path.of(env.get("KUBERNETES_CERTS_CA_FILE")), ca, StandardCopyOption.REPLACE_EXISTING);
        env.put("KUBERNETES_CERTS_CA_FILE", ca.toString());
        for (Path f : List.of(ca, Path.of(env.get("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN")))) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwxr-xr-x"));
        return env;
    }
}
