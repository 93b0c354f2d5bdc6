package dev.proa;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * proa's benchmark: the real proa (the dist layout when built, else the jar) as OS processes against the mock API
 * server over HTTPS, in-cluster style. Prints the median of each figure over RUNS runs, beside its floor measured in
 * the same run. Usage: {@code Benchmark RUNS [quick]} (see the README's Performance section for the command).
 */
public final class Benchmark {
    private static final Path DIST = Path.of("target/dist/proa");
    private static final Path WORK = Path.of("target/benchmark").toAbsolutePath();

    private final int runs;
    private final List<String> proa;
    private final String javaCommand;
    private final MockCluster cluster = new MockCluster(true);
    private final Map<String, String> env;
    private int pods;

    private Benchmark(int runs) throws IOException {
        this.runs = runs;
        Files.createDirectories(WORK);
        boolean dist = Files.isExecutable(DIST.resolve("bin/proa"));
        this.javaCommand = dist ? DIST.resolve("runtime/bin/java").toAbsolutePath().toString() : ProaRun.JAVA;
        this.proa = dist ? List.of(DIST.resolve("bin/proa").toAbsolutePath().toString())
                : List.of(ProaRun.JAVA, "-jar", ProaRun.JAR.toAbsolutePath().toString());
        this.env = new HashMap<>(cluster.inClusterEnvironment(WORK));
        env.put("PATH", System.getenv("PATH"));
        System.out.printf("proa benchmark: %s, %d runs, %d cores, %s%n", dist ? "dist layout (" + DIST + ")" : "jar on "
                + javaCommand, runs, Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
    }

    /**
     * Usage: {@code Benchmark [RUNS] [quick]}: every figure, the resident memory after 10 minutes of COMMAND included;
     * with {@code quick}, all but that one (a few minutes instead of a quarter of an hour).
     */
    public static void main(String[] args) throws Exception {
        java.util.logging.LogManager.getLogManager().reset(); // silences the mock server's line per request
        Benchmark benchmark = new Benchmark(args.length > 0 ? Integer.parseInt(args[0]) : 7);
        try {
            benchmark.run(!(args.length > 1 && args[1].equals("quick")));
        } finally {
            benchmark.cluster.close();
        }
    }

    private void run(boolean withLongRun) throws Exception {
        List<Row> rows = new ArrayList<>();
        Row start = row("start → exec (ms)", "≤ 250", this::startToExec, this::helloStart);
        rows.add(start);
        rows.add(new Row("  as a multiple of the hello-world floor", "≤ 10", start.value / start.floor, Double.NaN));
        try (HalfCore halfCore = HalfCore.create()) {
            rows.add(row("  with half a core (ms)", "", () -> startToExec(halfCore.wrap()),
                    () -> helloStart(halfCore.wrap())));
        }
        rows.add(row("  COMMAND run directly (ms)", "", this::directStart, null));
        rows.add(row("  without the API: --wait-http only (ms)", "", this::startWithoutApi, null));
        rows.add(row("reaction: last ready → exec (ms)", "≤ 20", this::reaction, null));
        // The same runs, counted from when the API server sent the watch event (the first run warmed up: not counted).
        rows.add(new Row("  from the API server sending it (ms)", "≤ 20",
                median(reactionFromEvent.subList(1, reactionFromEvent.size())), Double.NaN));
        rows.add(row("idle memory, VmRSS (MiB)", "≤ 64", this::idleMemory, this::helloMemory));
        double[] idle = idleThreads();
        rows.add(new Row("idle: proa's threads while COMMAND runs", "", idle[0], Double.NaN));
        rows.add(new Row("idle: their wake-ups per second", "", idle[1], Double.NaN));
        if (withLongRun) {
            double[] rss = longRunMemory();
            rows.add(new Row("  VmRSS 2 s into a 10 min COMMAND (MiB)", "", rss[0], Double.NaN));
            rows.add(new Row("  VmRSS 10 min into it (MiB)", "same ± 2", rss[1], Double.NaN));
        }
        List<double[]> shutdown = new ArrayList<>();
        List<double[]> later = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            shutdown.add(shutdown(0));
            later.add(shutdown(1));
        }
        rows.add(new Row("COMMAND exit → 1st shutdown request (ms)", "≤ 10", median(shutdown, 0), Double.NaN));
        rows.add(new Row("  the same, COMMAND running 1 s first (ms)", "≤ 10", median(later, 0), Double.NaN));
        rows.add(new Row("sidecar terminated → proa exit (ms)", "≤ 100", median(shutdown, 1), Double.NaN));
        rows.add(new Row("CPU, user+sys, whole run (s)", "≤ 0.4", median(shutdown, 2), Double.NaN));
        Path jar = Files.isDirectory(DIST) ? DIST.resolve("lib/proa.jar") : ProaRun.JAR; // the dist's is slimmer
        rows.add(new Row("size: jar (MiB)", "", mib(Files.size(jar)), Double.NaN));
        if (Files.isDirectory(DIST)) rows.add(new Row("size: dist layout (MiB)", "≤ 80", mib(treeSize(DIST)), Double.NaN));

        System.out.printf("%n%-42s %10s %10s   %s%n", "figure (median of " + runs + ")", "proa", "floor", "target");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-42s %10.1f %10s   %s%n", r.name, r.value,
                    Double.isNaN(r.floor) ? "" : String.format(Locale.ROOT, "%.1f", r.floor), r.target);
        }
    }

    private record Row(String name, String target, double value, double floor) {}

    /** Each reaction run's, from the watch event the API server sent with the ready flag. */
    private final List<Double> reactionFromEvent = new ArrayList<>();

    private interface Measure {
        double once() throws Exception;
    }

    private Row row(String name, String target, Measure measure, Measure floor) throws Exception {
        measure.once(); // warm the mock API server and the page cache; not counted
        List<Double> values = new ArrayList<>();
        List<Double> floors = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            values.add(measure.once());
            if (floor != null) floors.add(floor.once());
        }
        return new Row(name, target, median(values), floor == null ? Double.NaN : median(floors));
    }

    /** Launch → COMMAND's first instruction, the Pod ready from the start. */
    private double startToExec() throws Exception {
        return startToExec(List.of());
    }

    /** The same, with proa started by {@code wrapper} (into a CPU-limited cgroup, say). */
    private double startToExec(List<String> wrapper) throws Exception {
        String pod = readyPod();
        Path mark = WORK.resolve("exec");
        Files.deleteIfExists(mark);
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(proa);
        command.addAll(List.of("sh", "-c", "date +%s%N > " + mark));
        Instant launched = Instant.now();
        finish(launch(pod, command));
        return millisBetween(launched, readNanos(mark));
    }

    /** Launch → COMMAND's first instruction with only --wait-http, to an endpoint that is ready: no API at all. */
    private double startWithoutApi() throws Exception {
        Path mark = WORK.resolve("exec");
        Files.deleteIfExists(mark);
        try (MockWebServer sidecar = new MockWebServer()) {
            sidecar.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().code(200).build();
                }
            });
            sidecar.start();
            List<String> command = new ArrayList<>(proa);
            command.addAll(List.of("--wait-http=" + sidecar.url("/ready"), "sh", "-c", "date +%s%N > " + mark));
            Instant launched = Instant.now();
            finish(launch(newPod(), command));
            return millisBetween(launched, readNanos(mark));
        }
    }

    private double helloStart() throws Exception {
        return helloStart(List.of());
    }

    private double helloStart(List<String> wrapper) throws Exception {
        Path mark = WORK.resolve("hello");
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(javaCommand, "-cp", "target/test-classes", "dev.proa.bench.Hello", mark.toString()));
        Instant launched = Instant.now();
        finish(new ProcessBuilder(command).start());
        return millisBetween(launched, readNanos(mark));
    }

    /** proa's resident memory 2 s and 10 minutes into a COMMAND that sleeps, with its watch on the Pod open. */
    private double[] longRunMemory() throws Exception {
        Process p = twoSecondsInto(610);
        double early = rssMib(p.pid());
        Thread.sleep(Duration.ofMinutes(10).minusSeconds(2).toMillis());
        double late = rssMib(p.pid());
        p.destroy();
        finish(p);
        return new double[] {early, late};
    }

    private double directStart() throws Exception {
        Path mark = WORK.resolve("direct");
        Instant launched = Instant.now();
        finish(new ProcessBuilder("sh", "-c", "date +%s%N > " + mark).start());
        return millisBetween(launched, readNanos(mark));
    }

    /** The write of the last sidecar's ready: true → COMMAND's first instruction. */
    private double reaction() throws Exception {
        String pod = newPod();
        Path mark = WORK.resolve("reaction");
        Files.deleteIfExists(mark);
        Process p = start(pod, List.of("sh", "-c", "date +%s%N > " + mark));
        awaitLog(p, "Waiting for the sidecars");
        Thread.sleep(300);
        Instant written = Instant.now();
        List<Instant> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        cluster.onWatchEvent(text -> sent.add(Instant.now()));
        cluster.setStatus(pod, "proxy", s -> TestPods.running("proxy", true));
        finish(p);
        cluster.onWatchEvent(text -> {});
        Instant exec = readNanos(mark);
        reactionFromEvent.add(millisBetween(sent.getFirst(), exec)); // the write's one event: MODIFIED, ready
        return millisBetween(written, exec);
    }

    /** proa's resident memory 2 s into a 3 s COMMAND. */
    private double idleMemory() throws Exception {
        Process p = twoSecondsInto(3);
        double rss = rssMib(p.pid());
        finish(p);
        return rss;
    }

    /** proa, with a ready Pod, 2 s after it started a COMMAND that sleeps {@code seconds}. */
    private Process twoSecondsInto(int seconds) throws Exception {
        Path mark = WORK.resolve("idle");
        Files.deleteIfExists(mark);
        Process p = start(readyPod(), List.of("sh", "-c", "date +%s%N > " + mark + "; sleep " + seconds));
        while (!Files.exists(mark)) Thread.sleep(10);
        Thread.sleep(2000);
        return p;
    }

    /**
     * {threads, wake-ups per second}: proa's threads 2 s into a sleeping COMMAND, and how often they ran over the 5 s
     * after (context switches, voluntary or not, summed over its threads: a thread that polls shows here).
     */
    private double[] idleThreads() throws Exception {
        Process p = twoSecondsInto(8);
        long before = switches(p.pid());
        Thread.sleep(5000);
        long after = switches(p.pid());
        double threads;
        try (var tasks = Files.list(Path.of("/proc/" + p.pid() + "/task"))) {
            threads = tasks.count();
        }
        finish(p);
        return new double[] {threads, (after - before) / 5.0};
    }

    private static long switches(long pid) throws IOException {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                for (String line : Files.readAllLines(task.resolve("status"))) {
                    if (line.contains("ctxt_switches:")) total += Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        }
        return total;
    }

    private double helloMemory() throws Exception {
        Process p = new ProcessBuilder(javaCommand, "-cp", "target/test-classes", "dev.proa.bench.Hello",
                WORK.resolve("hello").toString(), "3000").start();
        Thread.sleep(2000);
        double rss = rssMib(p.pid());
        finish(p);
        return rss;
    }

    /**
     * {COMMAND exit → first shutdown request (ms), last sidecar terminated → proa exit (ms), CPU of the run (s)}, with a
     * COMMAND that runs {@code seconds} first (0: it exits at once, before proa's HTTP client for the request is built).
     */
    private double[] shutdown(int seconds) throws Exception {
        String pod = readyPod();
        Path mark = WORK.resolve("exit");
        Files.deleteIfExists(mark);
        AtomicReference<Instant> requested = new AtomicReference<>();
        try (MockWebServer sidecar = new MockWebServer()) {
            sidecar.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    requested.compareAndSet(null, Instant.now());
                    return new MockResponse.Builder().code(200).build();
                }
            });
            sidecar.start();
            // sh's `times` reports the CPU of its children: proa, and the trivial COMMAND under it.
            List<String> command = new ArrayList<>(List.of("sh", "-c", "\"$@\"; s=$?; times >&2; exit $s", "sh"));
            command.addAll(proa);
            command.addAll(List.of("-p", sidecar.url("/quitquitquit").toString(), "sh", "-c",
                    "sleep " + seconds + "; date +%s%N > " + mark));
            Process p = launch(pod, command);
            while (requested.get() == null) Thread.sleep(1);
            Thread.sleep(200);
            Instant terminated = Instant.now();
            cluster.setStatus(pod, "proxy", s -> TestPods.terminated("proxy", 0));
            Instant exited = p.onExit().thenApply(x -> Instant.now()).get(60, TimeUnit.SECONDS);
            String[] times = lastLine(p).trim().split("\\s+");
            return new double[] {millisBetween(readNanos(mark), requested.get()), millisBetween(terminated, exited),
                    seconds(times[0]) + seconds(times[1])};
        }
    }

    private Process start(String pod, List<String> command) throws IOException {
        List<String> all = new ArrayList<>(proa);
        all.addAll(command);
        return launch(pod, all);
    }

    private Process launch(String pod, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(WORK.resolve(pod + ".log").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().put("POD_NAME", pod);
        return builder.start();
    }

    private String readyPod() {
        String pod = newPod();
        cluster.setStatus(pod, "proxy", s -> TestPods.running("proxy", true));
        return pod;
    }

    private String newPod() {
        String pod = "bench-" + (++pods);
        cluster.create(TestPods.pod(pod, List.of("proxy"), List.of()));
        return pod;
    }

    private void awaitLog(Process p, String text) throws Exception {
        Path log = WORK.resolve("bench-" + pods + ".log");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(log).contains(text)) {
            if (System.nanoTime() > deadline || !p.isAlive()) throw new IllegalStateException(Files.readString(log));
            Thread.sleep(5);
        }
    }

    private String lastLine(Process p) throws IOException {
        List<String> lines = Files.readAllLines(WORK.resolve("bench-" + pods + ".log"));
        return lines.getLast();
    }

    private static void finish(Process p) throws Exception {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("a benchmark run did not end within 60 s");
        }
    }

    private static double rssMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static Instant readNanos(Path file) throws IOException {
        long nanos = Long.parseLong(Files.readString(file).strip());
        return Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    private static double millisBetween(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    /** "0m1.234s" → 1.234 */
    static double seconds(String time) {
        int m = time.indexOf('m');
        return Integer.parseInt(time.substring(0, m)) * 60 + Double.parseDouble(time.substring(m + 1, time.length() - 1));
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double median(List<double[]> values, int index) {
        return median(values.stream().map((Function<double[], Double>) v -> v[index]).toList());
    }

    private static double mib(long bytes) {
        return bytes / 1024.0 / 1024.0;
    }

    private static long treeSize(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
