package dev.proa;

import dev.proa.config.ExitStatus;
import dev.proa.process.Libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every status of the README's "Exit status" table ({@link ExitStatus#table}), each observed from a real run of the
 * proa process, once as proa numbers it by default and once with every remappable status remapped by
 * {@code --exit-status}: the remapped number is what proa exits with, and what its log, termination message and
 * {@code StartupFailed} Event say; COMMAND's own status, 128+N and the usage error's 2 stay as they are.
 */
class ExitStatusesIT extends EndToEnd {
    /** Each remappable status to a number of its own, none of them a default one. */
    private static final String REMAP = "--exit-status=sidecars-not-ready=90,proa-failed=91,not-executable=92,"
            + "not-found=93";
    private static final Map<ExitStatus, Integer> REMAPPED = Map.of(ExitStatus.SIDECARS_NOT_READY, 90,
            ExitStatus.PROA_FAILED, 91, ExitStatus.NOT_EXECUTABLE, 92, ExitStatus.NOT_FOUND, 93);
    private static final Duration AT_ONCE = Duration.ofSeconds(30);

    /** The arguments of a run: the remap first when {@code remapped}, then {@code args}. */
    private static List<String> args(boolean remapped, String... args) {
        List<String> all = new ArrayList<>();
        if (remapped) all.add(REMAP);
        all.addAll(List.of(args));
        return all;
    }

    private static int expected(ExitStatus status, boolean remapped) {
        return remapped ? REMAPPED.get(status) : status.code;
    }

    /** Runs to its end within {@code bound}, exits {@code status} and names {@code naming} (the row of the table). */
    private static void check(ProaRun run, long started, int status, String naming, String row, Duration bound)
            throws InterruptedException {
        BadInput.check(run, started, bound, status, naming);
        assertTrue(ROWS.containsKey(row), row);
    }

    // ---- sidecars-not-ready ----

    /** A sidecar terminated for good before it was ready: the exit, the log, the termination message, the Event. */
    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void aSidecarThatDiesBeforeItIsReady(boolean remapped) throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        Path message = dir.resolve("termination-log");
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, env("job"), args(remapped, "--events", "--termination-log=" + message,
                "touch", "ran"));
        TestSupport.awaitTrue(() -> proa.log().contains("Waiting for the sidecars"));
        cluster.setStatus("job", "proxy", s -> TestPods.terminated("proxy", 1));

        int status = expected(ExitStatus.SIDECARS_NOT_READY, remapped);
        check(proa, started, status, "then exiting " + status, "193 sidecars-not-ready", Duration.ofSeconds(60));
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
        String said = "startup failed (exit " + status + "): sidecar proxy exited with code 1 (Error)";
        assertTrue(Files.readString(message).startsWith("proa: " + said), Files.readString(message));
        TestSupport.awaitTrue(() -> events().stream().anyMatch(e -> e.startsWith("StartupFailed: " + said)));
    }

    /** The startup timeout passes with a readiness target not answering (no API: nothing but the target to wait on). */
    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void theStartupTimeoutPasses(boolean remapped) throws Exception {
        try (TestSupport.RefusingPort nothing = new TestSupport.RefusingPort()) {
            long started = System.nanoTime();
            ProaRun proa = ProaRun.start(dir, Map.of(), args(remapped, "--wait-tcp=127.0.0.1:" + nothing.port,
                    "--startup-timeout=2s", "--on-startup-timeout=fail", "touch", "ran"));

            int status = expected(ExitStatus.SIDECARS_NOT_READY, remapped);
            check(proa, started, status, "Startup timeout of 2s passed", "193 sidecars-not-ready", AT_ONCE);
            assertTrue(proa.log().contains("then exiting " + status), proa.log());
            assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
        }
    }

    // ---- proa-failed ----

    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void aPodThatDoesNotExist(boolean remapped) throws Exception {
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, env("nope"), args(remapped, "touch", "ran"));

        int status = expected(ExitStatus.PROA_FAILED, remapped);
        check(proa, started, status, "Pod jobs/nope does not exist", "125 proa-failed", AT_ONCE);
        assertTrue(proa.log().contains("Not running COMMAND; exit " + status), proa.log());
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
    }

    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void aBadTokenFile(boolean remapped) throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Map<String, String> env = env("job");
        Files.writeString(dir.resolve("token"), "\n");
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, env, args(remapped, "touch", "ran"));

        int status = expected(ExitStatus.PROA_FAILED, remapped);
        check(proa, started, status, "The service account token file " + dir.resolve("token") + " is empty",
                "125 proa-failed", AT_ONCE);
        assertTrue(proa.log().contains("Not running COMMAND; exit " + status), proa.log());
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
        assertEquals(0, cluster.listRequests() + cluster.watchRequests(), "no request went out without a token");
    }

    // ---- not-executable, not-found ----

    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void aCommandThatIsNotExecutable(boolean remapped) throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Path file = Files.writeString(dir.resolve("job.sh"), "#!/bin/sh\ntouch ran\n"); // no executable bit
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, env("job"), args(remapped, file.toString()));

        int status = expected(ExitStatus.NOT_EXECUTABLE, remapped);
        check(proa, started, status, "Could not start COMMAND", "126 not-executable", AT_ONCE);
        assertTrue(proa.log().contains("; exit " + status), proa.log());
    }

    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void aCommandThatIsNotFound(boolean remapped) throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Path message = dir.resolve("termination-log");
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, env("job"), args(remapped, "--termination-log=" + message, "no-such-cmd"));

        int status = expected(ExitStatus.NOT_FOUND, remapped);
        check(proa, started, status, "Could not start COMMAND", "127 not-found", AT_ONCE);
        assertEquals("proa: could not start COMMAND: No such file or directory (exit " + status + ")",
                Files.readString(message));
    }

    // ---- usage: 2, whatever --exit-status says, and for a bad --exit-status too ----

    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void aUsageError(boolean remapped) throws Exception {
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, Map.of(), args(remapped, "--startup-timeout=soon", "touch", "ran"));

        check(proa, started, 2, "'soon'", "2 usage", AT_ONCE);
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
    }

    @Test
    void aBadExitStatusOptionIsAUsageErrorNamingIt() throws Exception {
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, Map.of("PROA_EXIT_STATUS", "sidecars-not-ready=256"), List.of("true"));

        check(proa, started, 2, "'256' in 'sidecars-not-ready=256' is not an exit status from 1 to 255", "2 usage",
                AT_ONCE);
    }

    // ---- 128+N, and COMMAND's own: never remapped ----

    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void aSignalBeforeCommandStarts(boolean remapped) throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        long started = System.nanoTime();
        ProaRun proa = ProaRun.start(dir, env("job"), args(remapped, "touch", "ran"));
        TestSupport.awaitTrue(() -> proa.log().contains("Waiting for the sidecars"));
        Libc.kill(proa.process.pid(), 15);

        check(proa, started, 143, "COMMAND will not be started; proa exits 143", "128+N ", Duration.ofSeconds(60));
        assertFalse(Files.exists(dir.resolve("ran")), "COMMAND must not run");
    }

    /** COMMAND's status passes through unchanged: 7, and 125, which --exit-status's proa-failed=91 does not touch. */
    @ParameterizedTest(name = "remapped: {0}")
    @ValueSource(booleans = {false, true})
    void commandsOwnStatus(boolean remapped) throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        for (int own : new int[] {7, 125}) {
            long started = System.nanoTime();
            ProaRun proa = ProaRun.start(dir, env("job"), args(remapped, "sh", "-c", "exit " + own));
            check(proa, started, own, "COMMAND exited with status " + own, "COMMAND's ", AT_ONCE);
        }
    }

    /** Each row of the table, and the tests here that observe it. */
    private static final Map<String, List<String>> ROWS = Map.of(
            "COMMAND's ", List.of("commandsOwnStatus"),
            "128+N ", List.of("aSignalBeforeCommandStarts"),
            "2 usage", List.of("aUsageError", "aBadExitStatusOptionIsAUsageErrorNamingIt"),
            "193 sidecars-not-ready", List.of("aSidecarThatDiesBeforeItIsReady", "theStartupTimeoutPasses"),
            "125 proa-failed", List.of("aPodThatDoesNotExist", "aBadTokenFile"),
            "126 not-executable", List.of("aCommandThatIsNotExecutable"),
            "127 not-found", List.of("aCommandThatIsNotFound"));

    /** Every row of the code's table has its tests here, and each test checks the row it is listed for. */
    @Test
    void everyRowOfTheTableHasItsRuns() throws Exception {
        Set<String> rows = new TreeSet<>();
        ExitStatus.table().forEach(r -> rows.add(r.status() + " " + r.key()));
        assertEquals(rows, new TreeSet<>(ROWS.keySet()), "a row of ExitStatus.table() without a run here, or a stale one");
        Set<String> methods = new TreeSet<>();
        for (var method : ExitStatusesIT.class.getDeclaredMethods()) methods.add(method.getName());
        ROWS.values().forEach(names -> names.forEach(name -> assertTrue(methods.contains(name), name)));
    }

    private List<String> events() {
        return cluster.client.v1().events().inNamespace(MockCluster.NAMESPACE).list().getItems().stream()
                .map(e -> e.getReason() + ": " + e.getMessage()).toList();
    }
}
