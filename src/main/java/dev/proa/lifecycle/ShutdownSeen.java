package dev.proa.lifecycle;

import dev.proa.lifecycle.Shutdown.Rules;
import dev.proa.lifecycle.Shutdown.State;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Pods;
import dev.proa.sidecars.Readiness;
import dev.proa.sidecars.Sidecars;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a view of the Pod tells {@link Shutdown}: the sidecars to watch, a sidecar that just failed, or a Pod that can no
 * longer be watched.
 */
final class ShutdownSeen {
    private ShutdownSeen() {}

    static State seen(Rules rules, State s, PodView view, List<Line> lines) {
        Optional<List<Sidecars.Sidecar>> watched = s.watched();
        List<String> failed = new ArrayList<>(s.failed());
        if (view.observable() && watched.isPresent() && s.seen().pod() != null) {
            for (Sidecars.Sidecar sidecar : watched.get()) {
                String why = failedNow(rules, sidecar, s.seen(), view);
                if (why != null) {
                    lines.add(Line.warn(why, "container", sidecar.name()));
                    failed.add(why);
                }
            }
        }
        if (!view.observable() && watched.isPresent()) {
            lines.add(Line.warn("Shutdown: the Pod can no longer be watched ("
                    + (view.gone() ? "it was deleted" : view.error()) + "); not waiting for the sidecars"));
            watched = Optional.empty();
        }
        return new State(s.start(), view, s.requests(), watched, s.answering(), s.probing(), s.nextProbe(), s.skip(),
                failed, s.phasing());
    }

    /**
     * A regular sidecar that has just terminated with a non-zero code: the kubelet then marks the Pod Failed, even
     * when COMMAND succeeded. Said with the sidecar's own fix when proa knows it; null when it did not just fail.
     */
    private static String failedNow(Rules rules, Sidecars.Sidecar sidecar, PodView before, PodView after) {
        if (sidecar.isNative()) return null; // its exit code does not decide the Pod's phase
        ContainerStateTerminated now = terminated(Pods.status(after.pod(), sidecar.name()));
        if (now == null || now.getExitCode() == null || now.getExitCode() == 0) return null;
        if (terminated(Pods.status(before.pod(), sidecar.name())) != null) return null; // said already, or before
        String fix = StopWords.exitFix(rules.plan().step(sidecar.name())
                .orElse(new StopPlan.Step(sidecar.name(), Optional.empty(), new StopPlan.Unknown())));
        return "Sidecar " + sidecar.name() + " " + Readiness.describeEnd(now) + " during the shutdown: the Pod will be"
                + " marked Failed even though COMMAND's status is what proa exits with. Fix: " + fix;
    }

    private static ContainerStateTerminated terminated(ContainerStatus status) {
        return status == null || status.getState() == null ? null : status.getState().getTerminated();
    }

    /** Why the Pod's sidecars cannot be told (a malformed Pod, a --container it lacks): said at the startup too. */
    static String notInPod(Rules rules, PodView seen) {
        try {
            Sidecars.select(seen.pod(), rules.choice());
            return "the Pod's sidecars cannot be told";
        } catch (Sidecars.NotInPod e) {
            return e.getMessage();
        }
    }

    /** The sidecars the shutdown watches in {@code seen}, when the Pod tells them. */
    static Optional<List<Sidecars.Sidecar>> sidecars(Rules rules, PodView seen) {
        try {
            return Optional.of(Sidecars.select(seen.pod(), rules.choice()));
        } catch (Sidecars.NotInPod e) {
            return Optional.empty(); // the startup failed for this reason already, and said so
        }
    }
}
