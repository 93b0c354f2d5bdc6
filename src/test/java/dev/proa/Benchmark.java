package dev.proa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
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
 * server over HTTPS, in-cluster style, beside its floors measured in the same rounds (see {@link BenchRuns}): the start
 * and the CPU interleaved (each round runs proa, the hello world and the one request in turn, unlimited, on one core,
 * and under 0.5 and 0.25 core), so that a machine that slows down slows them all alike. Prints the medians as a
 * Markdown table. Usage: {@code Benchmark RUNS [quick|reactions]} (see the README's Performance section for the
 * command).
 */
public final class Benchmark {
    private final int runs;
    private final BenchRuns bench;
    private final List<String> table = new ArrayList<>();

    private Benchmark(int runs) throws Exception {
        this.runs = runs;
        this.bench = new BenchRuns();
        System.out.printf("proa benchmark: %s, %d runs, %d cores, %s%n", bench.dist ? "dist layout (" + BenchRuns.DIST
                + ")" : "jar on " + bench.java, runs, Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"));
    }

    /**
     * Usage: {@code Benchmark [RUNS] [quick|reactions]}: with {@code quick}, all but the memory 10 minutes into
     * COMMAND; with {@code reactions}, only the rows from the 1-s-late sidecar down.
     */
    public static void main(String[] args) {
        BenchRuns.runThenExit(() -> measure(args));
    }

    private static void measure(String[] args) throws Exception {
        java.util.logging.LogManager.getLogManager().reset(); // silences the mock server's line per request
        String mode = args.length > 1 ? args[1] : "";
        if (!List.of("", "quick", "reactions").contains(mode)) {
            throw new IllegalArgumentException("mode '" + mode + "': leave it out, or give quick or reactions");
        }
        Benchmark benchmark = new Benchmark(args.length > 0 ? Integer.parseInt(args[0]) : 7);
        try {
            benchmark.run(!mode.equals("quick") && !mode.equals("reactions"), !mode.equals("reactions"));
        } finally {
            benchmark.bench.cluster.close();
        }
    }

    private void run(boolean withLongRun, boolean withStarts) throws Exception {
        header();
        if (withStarts) {
            starts();
            memory(withLongRun);
        }
        double[] late = new double[] {median(repeat(() -> lateSidecar(List.of()))),
            median(repeat(() -> lateSidecar(List.of("taskset", "-c", "1"))))};
        row("1-s-late sidecar: COMMAND's start − its ready flag written (ms), unlimited / one core",
                fmt(late[0]) + " / " + fmt(late[1]), "", "", "", "what proa adds to the critical path");
        row("last ready flag written → COMMAND (ms)", fmt(median(repeat(this::reaction))), "", "", "", "≤ 20");
        row("  from the API server sending the watch event with it (ms)",
                fmt(median(fromEvent.subList(1, fromEvent.size()))), "", "", "", "≤ 20"); // the first: not counted
        List<double[]> shutdown = new ArrayList<>();
        List<double[]> afterASecond = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            shutdown.add(shutdown(0));
            afterASecond.add(shutdown(1));
        }
        row("COMMAND's exit → first shutdown request (ms)", fmt(median(shutdown, 0)), "", "", "", "≤ 10");
        row("  when COMMAND ran 1 s, the HTTP client built by then (ms)", fmt(median(afterASecond, 0)), "", "", "",
                "≤ 10");
        row("last sidecar terminated → proa's exit (ms)", fmt(median(shutdown, 1)), "", "", "", "≤ 100");
        if (Files.isDirectory(BenchRuns.DIST)) {
            row("the dist as a compressed layer, tar and gzip -6 (MiB)", fmt(BenchRuns.layerMib()), "", "", "", "≤ 40");
        }
        System.out.println();
        table.forEach(System.out::println);
    }

    /** Start → COMMAND and the CPU of a whole run, interleaved with both floors, in four CPU settings. */
    private void starts() throws Exception {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        settings.put("unlimited", List.of());
        settings.put("one core (taskset -c 1)", List.of("taskset", "-c", "1"));
        try (CpuLimit half = CpuLimit.of(0.5); CpuLimit quarter = CpuLimit.of(0.25)) {
            settings.put("0.5 core (cgroup quota)", half.wrap());
            settings.put("0.25 core (cgroup quota)", quarter.wrap());
            Map<String, List<BenchRuns.Timed[]>> results = new LinkedHashMap<>();
            for (var setting : settings.entrySet()) { // warm the page cache and the harness: not counted
                bench.proa(setting.getValue());
                bench.oneRequest(setting.getValue());
            }
            for (int round = 0; round < runs; round++) {
                for (var setting : settings.entrySet()) {
                    List<String> wrapper = setting.getValue();
                    results.computeIfAbsent(setting.getKey(), k -> new ArrayList<>()).add(new BenchRuns.Timed[] {
                        bench.proa(wrapper), bench.hello(wrapper), bench.oneRequest(wrapper)});
                }
            }
            results.forEach((setting, list) -> {
                double[] ms = new double[3];
                double[] cpu = new double[3];
                for (int i = 0; i < 3; i++) {
                    int program = i;
                    ms[i] = median(list.stream().map(r -> r[program].millis()).toList());
                    cpu[i] = median(list.stream().map(r -> r[program].cpuSeconds()).toList());
                }
                row("start → COMMAND (ms), " + setting, fmt(ms[0]), fmt(ms[1]), fmt(ms[2]), ratio(ms[0], ms[2]),
                        setting.startsWith("0.") ? "" : "≤ 1.25×");
                row("CPU of a whole run, user + sys (s), " + setting, fmt2(cpu[0]), fmt2(cpu[1]), fmt2(cpu[2]),
                        ratio(cpu[0], cpu[2]), setting.startsWith("0.") ? "" : "≤ 1.25×");
            });
        }
    }

    /** Private memory and VmRSS 2 s into COMMAND (and 10 minutes in), beside the floors 2 s after their work. */
    private void memory(boolean withLongRun) throws Exception {
        List<double[]> proa = new ArrayList<>();
        List<double[]> hello = new ArrayList<>();
        List<double[]> request = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Process p = twoSecondsInto(3);
            proa.add(BenchRuns.memory(p.pid()));
            BenchRuns.finish(p);
            p = bench.helloThenSleep(3000);
            Thread.sleep(2000);
            hello.add(BenchRuns.memory(p.pid()));
            BenchRuns.finish(p);
            p = bench.oneRequestThenSleep(3000);
            Path mark = BenchRuns.WORK.resolve("request");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(mark) && Files.size(mark) > 0) && System.nanoTime() < deadline) Thread.sleep(10);
            Thread.sleep(2000);
            request.add(BenchRuns.memory(p.pid()));
            BenchRuns.finish(p);
        }
        row("private memory, RssAnon + RssShmem, 2 s into COMMAND (MiB)", fmt(median(proa, 1)), fmt(median(hello, 1)),
                fmt(median(request, 1)), ratio(median(proa, 1), median(request, 1)), "≤ 32");
        row("VmRSS 2 s into COMMAND (MiB)", fmt(median(proa, 0)), fmt(median(hello, 0)), fmt(median(request, 0)),
                ratio(median(proa, 0), median(request, 0)), "≤ 64");
        row("  of it RssFile (MiB: shared, the AOT cache and libjvm.so)", fmt(median(proa, 2)), fmt(median(hello, 2)),
                fmt(median(request, 2)), "", "");
        if (withLongRun) {
            Process p = twoSecondsInto(610);
            double[] early = BenchRuns.memory(p.pid());
            Thread.sleep(Duration.ofMinutes(10).minusSeconds(2).toMillis());
            double[] late = BenchRuns.memory(p.pid());
            p.destroy();
            BenchRuns.finish(p);
            row("private memory 2 s → 10 min into a 10-min COMMAND (MiB)", fmt(early[1]) + " → " + fmt(late[1]), "", "",
                    "", "≤ 32");
            row("VmRSS 2 s → 10 min into it (MiB)", fmt(early[0]) + " → " + fmt(late[0]), "", "", "", "≤ 64");
        }
    }

    /** proa, with a ready Pod, 2 s after it started a COMMAND that sleeps {@code seconds}. */
    private Process twoSecondsInto(int seconds) throws Exception {
        Path mark = BenchRuns.WORK.resolve("idle");
        Files.deleteIfExists(mark);
        List<String> command = new ArrayList<>(bench.proa);
        command.addAll(List.of("sh", "-c", "date +%s%N > " + mark + "; sleep " + seconds));
        Process p = bench.launch(command, bench.readyPod());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(mark) && System.nanoTime() < deadline) Thread.sleep(10);
        Thread.sleep(2000);
        return p;
    }

    /**
     * A sidecar that becomes ready 1 s after proa's launch (its ready flag written then): COMMAND's start minus that
     * moment, what proa adds to the Job's critical path when the sidecars start beside it.
     */
    private double lateSidecar(List<String> wrapper) throws Exception {
        String pod = bench.newPod();
        Path mark = BenchRuns.WORK.resolve("late");
        Files.deleteIfExists(mark);
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(bench.proa);
        command.addAll(List.of("sh", "-c", "date +%s%N > " + mark));
        Instant launched = Instant.now();
        Process p = bench.launch(command, pod);
        Thread.sleep(Math.max(0, 1000 - (long) BenchRuns.millisBetween(launched, Instant.now())));
        Instant written = Instant.now();
        bench.cluster.setStatus(pod, "proxy", s -> TestPods.running("proxy", true));
        BenchRuns.finish(p);
        return BenchRuns.millisBetween(written, BenchRuns.readNanos(mark));
    }

    /** Each reaction run's, from the watch event the API server sent with the ready flag. */
    private final List<Double> fromEvent = new ArrayList<>();

    /** The write of the last sidecar's ready: true, once proa waits and watches → COMMAND's first instruction. */
    private double reaction() throws Exception {
        String pod = bench.newPod();
        Path mark = BenchRuns.WORK.resolve("reaction");
        Files.deleteIfExists(mark);
        List<String> command = new ArrayList<>(bench.proa);
        command.addAll(List.of("sh", "-c", "date +%s%N > " + mark));
        Process p = bench.launch(command, pod);
        awaitLog(p, "Waiting for the sidecars");
        BenchRuns.Readied ready = BenchRuns.readyOnceWatched(bench.cluster, pod, p);
        BenchRuns.finish(p);
        Instant exec = BenchRuns.readNanos(mark);
        fromEvent.add(ready.sent().isEmpty() ? Double.NaN : BenchRuns.millisBetween(ready.sent().getFirst(), exec));
        return BenchRuns.millisBetween(ready.written(), exec);
    }

    /**
     * {COMMAND exit → first shutdown request (ms), last sidecar terminated → proa exit (ms)}, with a COMMAND that runs
     * {@code seconds} first.
     */
    private double[] shutdown(int seconds) throws Exception {
        String pod = bench.readyPod();
        Path mark = BenchRuns.WORK.resolve("exit");
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
            List<String> command = new ArrayList<>(bench.proa);
            command.addAll(List.of("-p", sidecar.url("/quitquitquit").toString(), "sh", "-c",
                    "sleep " + seconds + "; date +%s%N > " + mark));
            Process p = bench.launch(command, pod);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (requested.get() == null && System.nanoTime() < deadline) Thread.sleep(1);
            Thread.sleep(200);
            Instant terminated = Instant.now();
            bench.cluster.setStatus(pod, "proxy", s -> TestPods.terminated("proxy", 0));
            Instant exited = p.onExit().thenApply(x -> Instant.now()).get(60, TimeUnit.SECONDS);
            return new double[] {BenchRuns.millisBetween(BenchRuns.readNanos(mark), requested.get()),
                BenchRuns.millisBetween(terminated, exited)};
        }
    }

    private void awaitLog(Process p, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(bench.log()).contains(text)) {
            if (System.nanoTime() > deadline || !p.isAlive()) throw new IllegalStateException(Files.readString(bench.log()));
            Thread.sleep(5);
        }
    }

    private interface Measure {
        double once() throws Exception;
    }

    /** {@code runs} runs of {@code measure}, after one not counted (it warms the page cache and the harness). */
    private List<Double> repeat(Measure measure) throws Exception {
        measure.once();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < runs; i++) values.add(measure.once());
        return values;
    }

    private void header() {
        table.add("| figure (median of " + runs + ", " + java.time.LocalDate.now() + ") | proa | floor: hello world"
                + " | floor: one HTTPS request | proa ÷ one request | target |");
        table.add("| --- | --- | --- | --- | --- | --- |");
    }

    private void row(String figure, String proa, String hello, String request, String ratio, String target) {
        table.add("| " + String.join(" | ", figure, proa, hello, request, ratio, target) + " |");
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static String fmt2(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String ratio(double value, double floor) {
        return String.format(Locale.ROOT, "%.2f×", value / floor);
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

}
