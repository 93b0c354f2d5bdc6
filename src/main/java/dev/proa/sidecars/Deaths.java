package dev.proa.sidecars;

import dev.proa.sidecars.Sidecars.Sidecar;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * While COMMAND runs, which sidecars died: COMMAND may be about to fail for want of one, and the operator should know
 * which, with what exit code, and how often it has restarted. A pure function of two versions of the Pod.
 */
public final class Deaths {
    private Deaths() {}

    /** What died between two versions of the Pod: one sentence per sidecar that terminated, or restarted, since. */
    public static List<String> between(Pod before, Pod after, List<Sidecar> sidecars) {
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
                deaths.add("Sidecar " + sidecar.name() + " " + Readiness.describeEnd(now)
                        + " while COMMAND runs (restarted " + restarts + " times before)");
            } else if (restarts > restartsBefore) {
                ContainerStateTerminated last = is.getLastState() == null ? null : is.getLastState().getTerminated();
                deaths.add("Sidecar " + sidecar.name() + " died"
                        + (last == null ? "" : " with exit code " + last.getExitCode() + Readiness.reason(last))
                        + " while COMMAND runs and was restarted (restart count " + restarts + ")");
            }
        }
        return deaths;
    }
}
