package dev.proa;

import dev.proa.config.ExitStatuses;

import dev.proa.config.Options;
import dev.proa.kube.ApiErrors;
import dev.proa.kube.PodWatch;
import dev.proa.probe.Endpoints;
import dev.proa.process.Signals;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.proa.lifecycle.Sources;
import dev.proa.sidecars.Sidecars;
import dev.proa.lifecycle.Startup;
import dev.proa.process.Reaper;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static dev.proa.TestSupport.awaitTrue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The startup phase against the CRUD mock API server: real HTTP, real watches, and the faults a real server has. */
class PodWaitTest {
    private static final Logger LOG = LoggerFactory.getLogger("proa");
    private static final Duration GENEROUS = Duration.ofSeconds(20);

    /** Each wait on a thread of its own: the common pool has one thread on 2 cores, and a hung wait would starve it. */
    private static final java.util.concurrent.Executor OWN_THREAD = r -> Thread.ofPlatform().daemon().start(r);

    private MockCluster cluster;
    private KubernetesClient proaClient;
    private EventLoop watch;

    @BeforeEach
    void start() {
        cluster = new MockCluster(false);
        proaClient = cluster.server.createClient();
    }

    @AfterEach
    void stop() {
        if (watch != null) watch.close();
        proaClient.close();
        cluster.close();
    }

    @Test
    void proceedsAtOnceWhenTheSidecarsAreAlreadyReady() throws Exception {
        cluster.create(TestPods.pod("job-1", List.of("proxy"), List.of()));
        cluster.setStatus("job-1", "proxy", s -> TestPods.running("proxy", true));

        assertInstanceOf(Startup.Proceed.class, startWaiting("job-1").get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void proceedsOnlyOnceTheLastSidecarIsReadyAndWatchesOnlyItsOwnPod() throws Exception {
        List<String> paths = Collections.synchronizedList(new ArrayList<>());
        cluster.intercept(r -> {
            paths.add(r.getPath());
            return null;
        });
        cluster.create(TestPods.pod("job-2", List.of("proxy", "db"), List.of("mesh")));
        RecordingLogger log = new RecordingLogger();
        CompletableFuture<Startup.End> outcome = startWaiting("job-2", log);
        awaitTrue(() -> cluster.watchRequests() >= 1);

        cluster.setStatus("job-2", "proxy", s -> TestPods.running("proxy", true));
        cluster.setStatus("job-2", "mesh", s -> TestPods.running("mesh", true));
        awaitTrue(() -> log.count("Sidecar mesh is ready") == 1); // proa has seen it
        assertFalse(outcome.isDone(), "db is not ready yet");

        cluster.setStatus("job-2", "db", s -> TestPods.running("db", true));
        assertInstanceOf(Startup.Proceed.class, outcome.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
        List<String> podRequests = paths.stream().filter(p -> p.startsWith("/api/v1/namespaces/jobs/pods?")).toList();
        assertFalse(podRequests.isEmpty());
        assertTrue(podRequests.stream().allMatch(p -> p.contains("fieldSelector=metadata.name%3Djob-2")), podRequests::toString);
    }

    @Test
    void failsWhenASidecarEndedForGood() throws Exception {
        cluster.create(TestPods.pod("job-3", List.of("proxy"), List.of()));
        CompletableFuture<Startup.End> outcome = startWaiting("job-3");
        awaitTrue(() -> cluster.watchRequests() >= 1);

        cluster.setStatus("job-3", "proxy", s -> TestPods.terminated("proxy", 1));

        assertAbort(193, outcome); // sidecars-not-ready
    }

    @Test
    void failsWhenThePodIsDeletedWhileWaiting() throws Exception {
        cluster.create(TestPods.pod("job-4", List.of("proxy"), List.of()));
        CompletableFuture<Startup.End> outcome = startWaiting("job-4");
        awaitTrue(() -> cluster.watchRequests() >= 1);

        cluster.delete("job-4");

        assertAbort(125, outcome);
    }

    @Test
    void failsWhenThePodDoesNotExist() throws Exception {
        assertAbort(125, startWaiting("no-such-pod"));
    }

    @Test
    void survivesADroppedWatch() throws Exception {
        cluster.create(TestPods.pod("job-5", List.of("proxy"), List.of()));
        CompletableFuture<Startup.End> outcome = startWaiting("job-5");
        awaitTrue(() -> cluster.openWatches() >= 1); // asked for is not yet open: only an open watch can be dropped

        cluster.dropWatches();
        awaitTrue(() -> cluster.watchRequests() >= 2); // fabric8 watches again
        cluster.setStatus("job-5", "proxy", s -> TestPods.running("proxy", true));

        assertInstanceOf(Startup.Proceed.class, outcome.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void relistsAfter410GoneAndSeesWhatChangedMeanwhile() throws Exception {
        cluster.create(TestPods.pod("job-6", List.of("proxy"), List.of()));
        cluster.answerWatchesWithGone(3);
        CompletableFuture<Startup.End> outcome = startWaiting("job-6");
        awaitTrue(() -> cluster.watchRequests() >= 1);

        // No watch stays open while the API server answers 410 Gone, so only a re-list can see this.
        cluster.setStatus("job-6", "proxy", s -> TestPods.running("proxy", true));

        assertInstanceOf(Startup.Proceed.class, outcome.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
        assertTrue(cluster.listRequests() >= 2, "listed again after the 410");
    }

    @Test
    void startupTimeoutFailsOrContinuesAsConfigured() throws Exception {
        cluster.create(TestPods.pod("job-7", List.of("proxy"), List.of()));

        // sidecars-not-ready once the Pod was read (before that, the API's failure: 125); 3 s leave time for the read.
        assertAbort(193, startWaiting("job-7", "--startup-timeout=3s"));
        watch.close();
        assertInstanceOf(Startup.Proceed.class, startWaiting("job-7", "--startup-timeout=300ms",
                "--on-startup-timeout=continue").get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aSignalBeforeCommandEndsTheWaitWith128PlusN() throws Exception {
        cluster.create(TestPods.pod("job-8", List.of("proxy"), List.of()));
        CompletableFuture<Startup.End> outcome = startWaiting("job-8");
        awaitTrue(() -> cluster.watchRequests() >= 1);

        watch.signal(15, "TERM");

        assertAbort(143, outcome);
    }

    @Test
    void saysAtASteadyIntervalWhoIsStillAwaitedAndWarnsOfAStuckSidecarOnlyWhenItsReasonChanges() throws Exception {
        cluster.create(TestPods.pod("job-9", List.of("proxy", "db"), List.of()));
        RecordingLogger log = new RecordingLogger();
        watch = lifecycle(log, options());
        follow(watch, proaClient, "job-9", log);
        Startup.Rules settings = new Startup.Rules(new Sources(true, List.of()), Sidecars.Choice.ALL,
                Optional.empty(), false, Duration.ofMillis(400), MockCluster.NAMESPACE + "/job-9", "",
                ExitStatuses.DEFAULT);
        CompletableFuture<Startup.End> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                return watch.awaitStartup(settings);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, OWN_THREAD);
        awaitTrue(() -> cluster.watchRequests() >= 1);
        for (int i = 0; i < 3; i++) {
            cluster.setStatus("job-9", "proxy", s -> TestPods.waiting("proxy", "ImagePullBackOff", "Back-off pulling image"));
        }
        cluster.setStatus("job-9", "proxy", s -> TestPods.waiting("proxy", "ErrImagePull", "not found"));
        awaitTrue(() -> log.count("Still waiting after") >= 3);
        cluster.setStatus("job-9", "proxy", s -> TestPods.running("proxy", true));
        cluster.setStatus("job-9", "db", s -> TestPods.running("db", true));

        assertInstanceOf(Startup.Proceed.class, outcome.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
        assertEquals(1, log.count("WARN Sidecar proxy cannot start: waiting: ImagePullBackOff: Back-off pulling image"), log.lines::toString);
        assertEquals(1, log.count("WARN Sidecar proxy cannot start: waiting: ErrImagePull: not found"), log.lines::toString);
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("INFO Still waiting after")
                && l.contains("proxy (waiting: ErrImagePull: not found), db (waiting: ContainerCreating)")), log.lines::toString);
    }

    private static Options options(String... args) {
        Options options = new Options();
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add("true");
        Options.commandLine(options, Map.of()).parseArgs(argv.toArray(String[]::new));
        return options;
    }

    private CompletableFuture<Startup.End> startWaiting(String pod, String... args) {
        return startWaiting(pod, LOG, args);
    }

    private CompletableFuture<Startup.End> startWaiting(String pod, Logger log, String... args) {
        if (watch != null) watch.close();
        watch = lifecycle(log, options(args));
        follow(watch, proaClient, pod, log);
        EventLoop lifecycle = watch;
        return CompletableFuture.supplyAsync(() -> {
            try {
                return lifecycle.awaitStartup();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, OWN_THREAD);
    }

    /** Follows {@code pod} through a watch opened at once, with no first read (the watch's own path, as after a failed one). */
    static void follow(EventLoop loop, KubernetesClient client, String pod, Logger log) {
        var watch = dev.proa.kube.LazyWatch.after(CompletableFuture.failedFuture(new IllegalStateException("none")), log,
                () -> client, MockCluster.NAMESPACE, pod, loop::seen, new ApiErrors(log, MockCluster.NAMESPACE)::report);
        loop.watch(watch, MockCluster.NAMESPACE + "/" + pod, "", null);
    }

    static EventLoop lifecycle(Logger log, Options options) {
        return new EventLoop(log, options.settings(), new dev.proa.probe.HttpClients(), new Reaper(log), System.nanoTime());
    }

    private static void assertAbort(int status, CompletableFuture<Startup.End> outcome) throws Exception {
        Startup.End result = outcome.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
        assertEquals(status, assertInstanceOf(Startup.Abort.class, result).outcome().status(ExitStatuses.DEFAULT),
                result::toString);
    }
}
