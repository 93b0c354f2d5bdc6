package dev.proa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Compares variants of proa's start, one lever at a time: each round runs every variant once, in turn (so that a
 * machine that slows down slows them all alike), each run against a ready Pod on a mock API server of its own over
 * HTTPS. Prints, per variant, the medians of launch → COMMAND's first instruction, the CPU of the whole run (user +
 * sys), and proa's resident memory 2 s into COMMAND, VmRSS and private (RssAnon + RssShmem), which COMMAND itself
 * reads from its parent's /proc entry. How the README's table of levers was measured.
 *
 * <p>Usage: {@code Levers RUNS VARIANT...}, each variant either JVM options for proa (PROA_JVM_OPTIONS; empty for
 * none) or {@code @DIR} for another build of the dist, with its options after a space:
 * {@code src/build/benchmark levers 11 '' '-Djdk.tls.namedGroups=x25519' '@/tmp/old-dist'}. Words NAME=VALUE with an
 * upper-case NAME are proa's environment instead: {@code 'MALLOC_ARENA_MAX=2'}. With LEVERS_CPUS=1 in the environment,
 * proa runs on that CPU alone ({@code taskset -c 1}). LEVERS_THEN, a shell command that COMMAND runs after its reading
 * of the memory, with proa as {@code $PPID}: {@code jcmd $PPID VM.native_memory summary >> /tmp/nmt} with the variant
 * {@code '-XX:NativeMemoryTracking=summary -XX:+StartAttachListener'} (proa runs with -Xrs: no attach on SIGQUIT).
 */
public final class Levers {
    private record Variant(String label, Path launcher, String jvmOptions) {
        static Variant of(String text, Path launcher) {
            if (!text.startsWith("@")) return new Variant(text.isEmpty() ? "(as built)" : text, launcher, text);
            int space = text.indexOf(' ');
            Path other = Path.of(space < 0 ? text.substring(1) : text.substring(1, space));
            return new Variant(text, other.resolve("bin/proa").toAbsolutePath(), space < 0 ? "" : text.substring(space + 1));
        }
    }

    /** LEVERS_CPUS=1: every variant runs on those CPUs only (taskset -c), the mock API server wherever it likes. */
    private static final String CPUS = System.getenv("LEVERS_CPUS");

    /**
     * LEVERS_REACTION=1: the sidecar becomes ready only once proa watches its Pod, and the first figure is then the
     * watch event with its ready flag → COMMAND's first instruction (as the benchmark's reaction row) instead of launch.
     */
    private static final boolean REACTION = System.getenv("LEVERS_REACTION") != null;

    /** LEVERS_THEN='jcmd $PPID VM.native_memory summary >> /tmp/nmt': a shell command COMMAND runs after its reading. */
    private static final String THEN = System.getenv().getOrDefault("LEVERS_THEN", ":");

    private record Run(double startMillis, double cpuSeconds, double rssMib, double privateMib) {}

    public static void main(String[] args) {
        BenchRuns.runThenExit(() -> measure(args));
    }

    private static void measure(String[] args) throws Exception {
        java.util.logging.LogManager.getLogManager().reset(); // silences the mock server's line per request
        int rounds = Integer.parseInt(args[0]);
        Path dist = Path.of("target/dist/proa").toAbsolutePath();
        List<Variant> variants = new ArrayList<>();
        for (int i = 1; i < args.length; i++) variants.add(Variant.of(args[i], dist.resolve("bin/proa")));
        Path work = Files.createTempDirectory("proa-levers");
        Map<Variant, List<Run>> runs = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Variant variant : variants) runs.computeIfAbsent(variant, v -> new ArrayList<>()).add(once(variant, work));
        }
        System.out.printf("%d rounds, medians%n", rounds);
        runs.forEach((variant, list) -> System.out.printf(Locale.ROOT,
                "%-70s " + (REACTION ? "event" : "start")
                        + " → exec %5.0f ms   CPU %.2f s   VmRSS %.1f MiB   private %.1f MiB%n",
                variant.label(), Benchmark.median(list.stream().map(Run::startMillis).toList()),
                Benchmark.median(list.stream().map(Run::cpuSeconds).toList()),
                Benchmark.median(list.stream().map(Run::rssMib).toList()),
                Benchmark.median(list.stream().map(Run::privateMib).toList())));
    }

    /** One run; sh's {@code times} reports the CPU of its children: proa, and the trivial COMMAND under it. */
    private static Run once(Variant variant, Path work) throws Exception {
        try (MockCluster cluster = new MockCluster(true)) {
            cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
            if (!REACTION) cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
            Map<String, String> env = new HashMap<>(cluster.inClusterEnvironment(work));
            env.put("POD_NAME", "job");
            env.put("PATH", System.getenv("PATH"));
            // NAME=VALUE words with an upper-case NAME (MALLOC_ARENA_MAX=2) are proa's environment; the rest JVM options.
            List<String> jvm = new ArrayList<>();
            for (String word : variant.jvmOptions().split("\\s+")) {
                if (word.matches("[A-Z_][A-Z0-9_]*=.*")) env.put(word.substring(0, word.indexOf('=')), word.substring(word.indexOf('=') + 1));
                else if (!word.isEmpty()) jvm.add(word);
            }
            if (!jvm.isEmpty()) env.put("PROA_JVM_OPTIONS", String.join(" ", jvm));
            Path mark = work.resolve("exec");
            Path log = work.resolve("log");
            Path rss = work.resolve("rss");
            Files.deleteIfExists(mark);
            Files.deleteIfExists(rss);
            List<String> command = new ArrayList<>(CPUS == null ? List.of() : List.of("taskset", "-c", CPUS));
            command.addAll(List.of("sh", "-c", "\"$@\"; s=$?; times >&2; exit $s", "sh",
                    variant.launcher().toString(), "--", "sh", "-c",
                    "date +%s%N > " + mark + "; sleep 2; grep -e VmRSS -e RssAnon -e RssShmem /proc/$PPID/status > "
                            + rss + "; " + THEN));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(work.toFile()).redirectError(log.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            builder.environment().putAll(env);
            Instant launched = Instant.now();
            Process proa = builder.start();
            List<Instant> sent = REACTION ? BenchRuns.readyOnceWatched(cluster, "job", proa).sent() : List.of(launched);
            if (!proa.waitFor(60, TimeUnit.SECONDS)) {
                proa.destroyForcibly();
                throw new IllegalStateException("proa did not end within 60 s: " + Files.readString(log));
            }
            String said = Files.readString(log);
            if (!Files.exists(mark)) throw new IllegalStateException("COMMAND did not run: " + said);
            String[] times = said.lines().toList().getLast().trim().split("\\s+");
            long nanos = Long.parseLong(Files.readString(mark).strip());
            Instant exec = Instant.ofEpochSecond(nanos / 1_000_000_000L, nanos % 1_000_000_000L);
            double cpu = BenchRuns.seconds(times[0]) + BenchRuns.seconds(times[1]);
            List<Long> kib = Files.readAllLines(rss).stream().map(l -> Long.parseLong(l.replaceAll("\\D", ""))).toList();
            if (sent.isEmpty()) throw new IllegalStateException("the mock sent no watch event, yet COMMAND ran: " + said);
            return new Run(Duration.between(sent.getFirst(), exec).toNanos() / 1e6, cpu, kib.get(0) / 1024.0,
                    (kib.get(1) + kib.get(2)) / 1024.0);
        }
    }
}
