package dev.proa;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The self-contained distribution, built once for all the tests that run it (DistIT, ImagesIT), by src/build/dist: what
 * mvn -Pdist package and the Dockerfile run. Also compiles the C programs those tests use as COMMAND.
 */
final class Dist {
    private static Path built;

    private Dist() {}

    /** A fresh build of the distribution (its directory, /opt/proa's content), world-readable. */
    static synchronized Path built() throws Exception {
        if (built != null) return built;
        Path root = Files.createTempDirectory("proa-dist", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path dist = root.resolve("proa");
        String javaHome = Path.of(ProaRun.JAVA).getParent().getParent().toString();
        run(List.of("src/build/dist", ProaRun.JAR.toString(), dist.toString(), System.getProperty("java.class.path"),
                javaHome), 10);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(root)));
        built = dist;
        return dist;
    }

    /** src/test/c/NAME.c compiled by {@code compiler} (with its {@code flags}) into {@code dir}. */
    static Path compiled(String name, Path dir, String output, List<String> compiler) throws Exception {
        Path program = dir.resolve(output);
        List<String> command = new java.util.ArrayList<>(compiler);
        command.addAll(List.of("-o", program.toString(), "src/test/c/" + name + ".c"));
        run(command, 2);
        return program;
    }

    /**
     * Runs {@code command} to its end; fails the test if it fails, with its output. (Its output is kept, not inherited:
     * the test JVM's own stdout is the test runner's channel, which a child's writes would corrupt.)
     */
    /** {@code dist} as an image layer: its bytes through {@code tar | gzip -6}, as issue 26 measures it. */
    static long layerBytes(Path dist) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "tar -C \"$1\" -c . | gzip -6 | wc -c", "sh", dist.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String bytes = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) throw new IllegalStateException("tar | gzip of " + dist + " failed");
        return Long.parseLong(bytes);
    }

    static void run(List<String> command, int minutes) throws Exception {
        Path output = Files.createTempFile("proa-build", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.INHERIT).start();
            boolean ended = process.waitFor(minutes, TimeUnit.MINUTES);
            if (!ended) process.destroyForcibly();
            assertTrue(ended && process.exitValue() == 0, "failed: " + command + "\n" + Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** For a test that needs root: skipped without it, but failed under CI=true (see TestSupport.requirePrivilege). */
    static void requireRoot(String why) {
        TestSupport.requirePrivilege("root".equals(System.getProperty("user.name")), "needs root: " + why);
    }

    private static void delete(Path dir) {
        try {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        } catch (IOException | InterruptedException e) {
            // the temporary directory stays
        }
    }
}
