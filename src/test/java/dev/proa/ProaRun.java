package dev.proa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** target/proa.jar run as a real OS process, and the sidecar processes beside it, for the end-to-end tests. */
final class ProaRun {
    static final Path JAR = Path.of("target/proa.jar");
    static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    final Process process;
    final Path stdout;
    final Path stderr;

    private ProaRun(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts proa with exactly {@code env} (plus PATH), in {@code dir}, its output captured to files there. */
    static ProaRun start(Path dir, Map<String, String> env, List<String> args) throws IOException {
        return start(dir, env, List.of(), args);
    }

    /** The same, with proa run by {@code wrapper} (for example, unshare into a new PID namespace). */
    static ProaRun start(Path dir, Map<String, String> env, List<String> wrapper, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(JAVA, "-jar", JAR.toAbsolutePath().toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv("PATH"));
        builder.environment().put("HOME", dir.toString());
        builder.environment().putAll(env);
        Path out = dir.resolve("proa.stdout");
        Path err = dir.resolve("proa.stderr");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        return new ProaRun(builder.start(), out, err);
    }

    /** Waits for proa to exit, generously; returns its exit status. */
    int exitStatus() throws InterruptedException {
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("proa did not exit within 90s; its log:\n" + log());
        }
        return process.exitValue();
    }

    String log() {
        return read(stderr);
    }

    String output() {
        return read(stdout);
    }

    static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A FakeSidecar process, listening on the port it reports once it runs, ready {@code readyAfterMs} after it starts. */
    static FakeKubelet.Sidecar sidecar(Path dir, String name, long readyAfterMs) throws IOException, InterruptedException {
        return sidecar(dir, name, readyAfterMs, "plain");
    }

    /** The same, behaving as {@code mode} says (see {@link FakeSidecar}); its requests are recorded in NAME.quit. */
    static FakeKubelet.Sidecar sidecar(Path dir, String name, long readyAfterMs, String mode)
            throws IOException, InterruptedException {
        Path portFile = dir.resolve(name + ".port");
        Process process = new ProcessBuilder(JAVA, "-cp", System.getProperty("java.class.path"), FakeSidecar.class.getName(),
                portFile.toString(), Long.toString(readyAfterMs), dir.resolve(name + ".quit").toString(), mode)
                .inheritIO().start();
        TestSupport.awaitTrue(() -> Files.exists(portFile) || !process.isAlive());
        if (!process.isAlive()) throw new AssertionError("sidecar " + name + " exited with " + process.exitValue());
        return new FakeKubelet.Sidecar(process, Integer.parseInt(Files.readString(portFile).strip()));
    }
}
