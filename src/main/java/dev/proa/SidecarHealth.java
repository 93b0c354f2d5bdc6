package dev.proa;

import dev.proa.Sidecars.Sidecar;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * While COMMAND runs, says when a sidecar dies: COMMAND may be about to fail for want of it, and the operator should
 * know which one, with what exit code, and how often it has restarted. It only watches; it changes nothing.
 */
final class SidecarHealth implements AutoCloseable {
    private final Thread thread;
    private volatile boolean closed;

    SidecarHealth(Logger log, PodWatch pod, Options options) {
        this.thread = Thread.ofVirtual().name("proa-sidecar-health").start(() -> watch(log, pod, options));
    }

    private void watch(Logger log, PodWatch pod, Options options) {
        PodWatch.Snapshot seen = pod.current();
        try {
            while (!closed) {
                PodWatch.Snapshot next = pod.awaitChange(seen, Duration.ofMinutes(1));
                if (closed) return;
                if (seen.pod() != null && next.pod() != null) {
                    deaths(seen.pod(), next.pod(), Sidecars.select(next.pod(), Sidecars.Choice.of(options)))
                            .forEach(log::warn);
                }
                seen = next;
            }
        } catch (InterruptedException | Sidecars.NotInPod e) {
            // closed, or the Pod was never one proa could run in: nothing to watch
        }
    }

    /** What died between two versions of the Pod: one sentence per sidecar that terminated, or restarted, since. */
    static List<String> deaths(Pod before, Pod after, List<Sidecar> sidecars) {
        List<String> deaths = new ArrayList<>();
        for (Sidecar sidecar : sidecars) {
            ContainerStatus was = Pods.status(before, sidecar.name());
            ContainerStatus is = Pods.status(after, sidecar.name());
            if (is == null) continue;
            int restarts = is.getRestartCount() == null ? 0 : is.getRestartCount();
            int restartsBefore = was == null || was.getRestartCount() == null ? 0 : was.getRestartCount();
            ContainerStateTerminated now = is.getState() == null ? null : is.getState().getTerminated();
            boolean terminatedBefore = was != null && was.getState() != null && was.getState().getTerminated() != null;
            if (now != null && !terminatedBefore) {
                deaths.add("Sidecar " + sidecar.name() + " exited with code " + now.getExitCode() + reason(now)
                        + " while COMMAND runs (restarted " + restarts + " times before)");
            } else if (restarts > restartsBefore) {
                ContainerStateTerminated last = is.getLastState() == null ? null : is.getLastState().getTerminated();
                deaths.add("Sidecar " + sidecar.name() + " died"
                        + (last == null ? "" : " with exit code " + last.getExitCode() + reason(last))
                        + " while COMMAND runs and was restarted (restart count " + restarts + ")");
            }
        }
        return deaths;
    }

    private static String reason(ContainerStateTerminated ended) {
        return ended.getReason() == null ? "" : " (" + ended.getReason() + ")";
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
