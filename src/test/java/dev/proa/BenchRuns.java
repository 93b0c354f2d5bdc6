package dev.proa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's programs and how one run of each is timed: proa (the dist's launcher, else the jar), and its floors
 * measured beside it: a hello world, and one OkHttp HTTPS request to a mock API server, as proa's
 * ({@link dev.proa.bench.OneRequest}), both on the dist's runtime; the request with proa's JVM flags and an AOT cache
 * of its own, trained here on that request. Each run is wrapped in a shell whose {@code times} reports its CPU.
 */
final class BenchRuns {
    static final Path DIST = Path.of("target/dist/proa");
    static final Path WORK = Path.of("target/benchmark").toAbsolutePath();
    private static final String CLASSES = Path.of("target/test-classes").toAbsolutePath().toString();
    /** The TLS key shares proa asks for (kube/Cluster), which the floor asks for too. */
    private static final String KEY_SHARES = "-Djdk.tls.namedGroups=x25519,secp384r1,secp256r1,secp521r1,x448,"
            + "ffdhe2048,ffdhe3072,ffdhe4096,ffdhe6144,ffdhe8192";

    /** A run: launch → its mark (COMMAND's first instruction, or the floor's end), and its CPU, user + sys. */
    record Timed(double millis, double cpuSeconds) {}

    final boolean dist;
    final String java;
    final List<String> proa;
    /** The mock API server of the run launched last, and its in-cluster environment: see {@link #newPod}. */
    MockCluster cluster;
    private Map<String, String> env;
    private final List<String> oneRequest;
    private int pods;
    private int runs;

    BenchRuns() throws Exception {
        Files.createDirectories(WORK);
        dist = Files.isExecutable(DIST.resolve("bin/proa"));
        java = dist ? DIST.resolve("runtime/bin/java").toAbsolutePath().toString() : ProaRun.JAVA;
        proa = dist ? List.of(DIST.resolve("bin/proa").toAbsolutePath().toString())
                : List.of(ProaRun.JAVA, "-jar", ProaRun.JAR.toAbsolutePath().toString());
        oneRequest = trainOneRequest();
    }

    /**
     * The one-request floor's command line, after training its AOT cache on one request (an AOT cache holds no class
     * loaded from a directory: the program is put in a jar of its own).
     */
    private List<String> trainOneRequest() throws Exception {
        Path jar = WORK.resolve("one-request.jar");
        Process packed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jar").toString(), "cf",
                jar.toString(), "-C", "target/test-classes", "dev/proa/bench/OneRequest.class").inheritIO().start();
        if (packed.waitFor() != 0) throw new IllegalStateException("could not pack the one-request floor");
        List<String> classpath = new ArrayList<>(List.of(jar.toString()));
        for (String entry : System.getProperty("java.class.path").split(":")) {
            if (entry.matches(".*/(okhttp-jvm|okio-jvm|kotlin-stdlib)-[^/]*\\.jar")) classpath.add(entry);
        }
        Path cache = WORK.resolve("one-request.aot");
        Files.deleteIfExists(cache);
        List<String> base = new ArrayList<>(List.of(java));
        base.addAll(launcherFlags());
        base.add(KEY_SHARES);
        base.addAll(List.of("-cp", String.join(":", classpath)));
        List<String> training = new ArrayList<>(base);
        training.add(2, "-XX:AOTCacheOutput=" + cache);
        training.addAll(List.of("dev.proa.bench.OneRequest", WORK.resolve("trained").toString()));
        if (!timed(List.of(), training, readyPod(), WORK.resolve("trained")).isPresent()) {
            throw new IllegalStateException("the one-request floor's training run failed: see " + WORK);
        }
        if (!Files.isRegularFile(cache)) throw new IllegalStateException("no AOT cache for the one-request floor");
        base.add(1, "-XX:AOTCache=" + cache);
        base.add("dev.proa.bench.OneRequest");
        return base;
    }

    /** proa with a ready Pod and a COMMAND that marks its start, then {@code then} (a shell command, or empty). */
    Timed proa(List<String> wrapper) throws Exception {
        Path mark = WORK.resolve("exec");
        List<String> command = new ArrayList<>(proa);
        command.addAll(List.of("sh", "-c", "date +%s%N > " + mark));
        return timed(wrapper, command, readyPod(), mark).orElseThrow();
    }

    Timed hello(List<String> wrapper) throws Exception {
        Path mark = WORK.resolve("hello");
        return timed(wrapper, List.of(java, "-cp", CLASSES, "dev.proa.bench.Hello", mark.toString()),
                readyPod(), mark).orElseThrow();
    }

    Timed oneRequest(List<String> wrapper) throws Exception {
        Path mark = WORK.resolve("request");
        List<String> command = new ArrayList<>(oneRequest);
        command.add(mark.toString());
        return timed(wrapper, command, readyPod(), mark).orElseThrow();
    }

    /** The one-request floor, {@code sleepMillis} after its request (for its memory). */
    Process oneRequestThenSleep(long sleepMillis) throws IOException {
        List<String> command = new ArrayList<>(oneRequest);
        command.addAll(List.of(WORK.resolve("request").toString(), Long.toString(sleepMillis)));
        return launch(command, readyPod());
    }

    Process helloThenSleep(long sleepMillis) throws IOException {
        return new ProcessBuilder(java, "-cp", CLASSES, "dev.proa.bench.Hello",
                WORK.resolve("hello").toString(), Long.toString(sleepMillis)).start();
    }

    /**
     * Runs {@code command} under {@code wrapper} (taskset, a CPU limit), in Pod {@code pod}'s environment, wrapped in
     * a shell that reports its CPU; empty when it failed or never wrote {@code mark}.
     */
    Optional<Timed> timed(List<String> wrapper, List<String> command, String pod, Path mark) throws Exception {
        Files.deleteIfExists(mark);
        List<String> all = new ArrayList<>(wrapper);
        all.addAll(List.of("sh", "-c", "\"$@\"; s=$?; times >&2; exit $s", "sh"));
        all.addAll(command);
        Instant launched = Instant.now();
        Process p = launch(all, pod);
        finish(p);
        if (!Files.exists(mark)) return Optional.empty();
        String[] times = lastLine().trim().split("\\s+");
        return Optional.of(new Timed(millisBetween(launched, readNanos(mark)),
                seconds(times[0]) + seconds(times[1])));
    }

    Process launch(List<String> command, String pod) throws IOException {
        runs++;
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log().toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("POD_NAME", pod);
        return builder.start();
    }

    /** The log (stderr) of the last run launched. */
    Path log() {
        return WORK.resolve("run-" + runs + ".log");
    }

    String lastLine() throws IOException {
        return Files.readAllLines(log()).getLast();
    }

    String readyPod() throws IOException {
        String pod = newPod();
        cluster.setStatus(pod, "proxy", s -> TestPods.running("proxy", true));
        return pod;
    }

    /**
     * A Pod for the next run, on a mock API server of its own, as each test gives each proa: the mock serves every
     * connection on one event loop, and no run should meet what earlier ones left on it (their Pods, their watches, a
     * connection closed under an open watch). Its first requests, the Pod's creation and status, warm it.
     */
    String newPod() throws IOException {
        if (cluster != null) cluster.close();
        System.gc(); // the last server's garbage collected now, not by GC threads beside the run
        cluster = new MockCluster(true);
        env = new HashMap<>(cluster.inClusterEnvironment(WORK));
        env.put("PATH", System.getenv("PATH"));
        String pod = "bench-" + (++pods);
        cluster.create(TestPods.pod(pod, List.of("proxy"), List.of()));
        return pod;
    }

    /** When the sidecar's ready flag was written, and when the mock sent each watch event after that. */
    record Readied(Instant written, List<Instant> sent) {}

    /**
     * Once {@code proa} watches Pod {@code pod} (and 300 ms more, so that it waits on its watch), the sidecar's ready
     * flag: how the reaction to it is measured, by the benchmark and by {@link Levers}.
     */
    static Readied readyOnceWatched(MockCluster cluster, String pod, Process proa) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cluster.watchRequests() == 0) {
            if (System.nanoTime() > deadline || !proa.isAlive()) throw new IllegalStateException("proa never watched");
            Thread.sleep(5);
        }
        Thread.sleep(300);
        List<Instant> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        cluster.onWatchEvent(text -> sent.add(Instant.now()));
        Instant written = Instant.now();
        cluster.setStatus(pod, "proxy", s -> TestPods.running("proxy", true));
        return new Readied(written, sent);
    }

    /**
     * The JVM flags the launcher gives proa, read from its source (src/dist/proa.c, JVM_FLAGS), so that the floor runs
     * with the same ones whatever a lever changes there.
     */
    static List<String> launcherFlags() throws IOException {
        String source = Files.readString(Path.of("src/dist/proa.c")).replaceAll("(?s)/\\*.*?\\*/", "");
        Matcher block = Pattern.compile("(?s)JVM_FLAGS\\[\\] = \\{(.*?)\\};").matcher(source);
        if (!block.find()) throw new IllegalStateException("no JVM_FLAGS in src/dist/proa.c");
        return Pattern.compile("\"([^\"]*)\"").matcher(block.group(1)).results().map(m -> m.group(1)).toList();
    }

    static void finish(Process p) throws Exception {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("a benchmark run did not end within 120 s");
        }
    }

    /** {VmRSS, private: RssAnon + RssShmem, RssFile} of {@code pid}, in MiB. */
    static double[] memory(long pid) throws IOException {
        Map<String, Long> kib = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (line.startsWith("VmRSS") || line.startsWith("Rss")) {
                kib.put(line.substring(0, colon), Long.parseLong(line.replaceAll("\\D", "")));
            }
        }
        return new double[] {kib.get("VmRSS") / 1024.0, (kib.get("RssAnon") + kib.get("RssShmem")) / 1024.0,
                kib.get("RssFile") / 1024.0};
    }

    /** The dist as an image layer would ship it: {@code tar -C dist -c . | gzip -6 | wc -c}. */
    static double layerMib() throws Exception {
        return Dist.layerBytes(BenchRuns.DIST) / 1024.0 / 1024.0;
    }

    static Instant readNanos(Path file) throws IOException {
        long nanos = Long.parseLong(Files.readString(file).strip());
        return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    static double millisBetween(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** "0m1.234s" → 1.234 */
    static double seconds(String time) {
        int m = time.indexOf('m');
        return Integer.parseInt(time.substring(0, m)) * 60 + Double.parseDouble(time.substring(m + 1, time.length() - 1));
    }

    /** A measurement, as a main runs it. */
    interface Measurement {
        void run() throws Exception;
    }

    /**
     * Runs {@code measurement}, then exits: 0, or 1 with its failure printed. The mock server's watch sessions each start
     * a scheduled executor of non-daemon threads; one left behind by a watch that a proa's exit cut kept a JVM alive
     * after its table (seen: "pool-16-thread-1", ten minutes).
     */
    static void runThenExit(Measurement measurement) {
        int status = 0;
        try {
            measurement.run();
        } catch (Exception e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }
}
