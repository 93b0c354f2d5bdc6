package dev.proa;

import dev.proa.config.Settings;
import dev.proa.lifecycle.Line;
import dev.proa.sidecars.PodView;
import dev.proa.sidecars.Sidecars;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's {@link StopPlan}, from the Pod as last seen, and its lines, said once when the Pod is first seen: an
 * operator learns at the start what will not stop, and in which order the rest will.
 */
final class StopPlans {
    private final Settings settings;
    private boolean said;

    StopPlans(Settings settings) {
        this.settings = settings;
    }

    static StopPlan withoutPod(Settings settings) {
        return StopPlan.withoutPod(StopPlan.Options.of(settings.stop()));
    }

    /**
     * How each sidecar will be stopped: every sidecar but --ignore's (--wait-for chooses what to wait for at the
     * start, not what must stop for the Pod to complete).
     */
    StopPlan plan(PodView view, Sidecars.Choice choice) {
        if (view.pod() == null || !settings.sidecars().watchesPod()) return withoutPod(settings);
        try {
            return StopPlan.of(view.pod(), Sidecars.select(view.pod(), choice.stopped()),
                    StopPlan.Options.of(settings.stop()));
        } catch (Sidecars.NotInPod e) {
            return withoutPod(settings); // the startup fails for this reason, and says so
        }
    }

    /** The plan's lines, in its order, once: each sidecar's way (and phase), then each name that is no sidecar. */
    List<Line> lines(PodView view, Sidecars.Choice choice) {
        if (said || view.pod() == null) return List.of();
        said = true;
        StopPlan plan = plan(view, choice);
        List<Line> lines = new ArrayList<>();
        for (StopPlan.Step step : plan.ordered()) {
            String phase = StopWords.phase(plan, step);
            String sentence = StopWords.sentence(step) + (phase.isEmpty() ? "" : " [" + phase + "]");
            lines.add(step.warn() ? Line.warn(sentence, "container", step.sidecar())
                    : Line.info(sentence, "container", step.sidecar()));
        }
        List<String> names = plan.steps().stream().map(StopPlan.Step::sidecar).toList();
        plan.strays().forEach(stray -> lines.add(Line.warn(StopWords.stray(stray, names))));
        return lines;
    }
}
