package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The first read of the Pod (kube/FirstRead, kube/LazyWatch), through the real process: a Pod whose sidecars are ready
 * starts COMMAND on one GET, without the list and watch of an informer, which opens once COMMAND runs; a Pod whose
 * sidecar is not ready yet is watched before COMMAND.
 */
class FirstReadIT extends EndToEnd {
    @Test
    void aReadyPodStartsCommandOnOneReadAndIsWatchedOnlyOnceCommandRuns() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
        AtomicInteger beforeCommand = new AtomicInteger(); // requests for the Pod before COMMAND ran
        cluster.intercept(r -> {
            if (r.getPath().contains("/pods?") && !Files.exists(dir.resolve("ran"))) beforeCommand.incrementAndGet();
            return null;
        });
        // COMMAND runs 3 s: the watch opens meanwhile
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("sh", "-c", "touch ran; sleep 3"));

        TestSupport.awaitTrue(() -> cluster.watchRequests() > 0);
        assertEquals(0, proa.exitStatus(), proa.log());
        assertEquals(1, beforeCommand.get(), "one read, no informer's list or watch before COMMAND:\n" + proa.log());
        assertTrue(cluster.listRequests() >= 2, "the informer listed once COMMAND ran:\n" + proa.log());
    }

    @Test
    void aPodWhoseSidecarIsNotReadyIsWatchedBeforeCommand() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        ProaRun proa = ProaRun.start(dir, env("job"), List.of("touch", "ran"));

        TestSupport.awaitTrue(() -> cluster.watchRequests() > 0);
        assertTrue(!Files.exists(dir.resolve("ran")), proa.log());
        cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));
        assertEquals(0, proa.exitStatus(), proa.log());
        assertTrue(Files.exists(dir.resolve("ran")), proa.log());
    }
}
