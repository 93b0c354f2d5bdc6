package dev.proa.sidecars;

import dev.proa.sidecars.StopPlan.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Which phase each regular sidecar is stopped in: {@code --shutdown-order}'s, where given (a sidecar it does not name
 * is in the first phase: the order is there to keep the named ones for later); else the mesh proxies
 * ({@link KnownSidecars.Known#mesh}) last, as the other sidecars' last traffic goes through them, and everything else
 * first. An empty phase of the order keeps its place ({@code ;istio-proxy}: the unnamed first, istio-proxy after);
 * phases left empty in the end are dropped, so the numbers run from 0 without gaps. A sidecar stopped by the unbound
 * options ({@code -p URL}, {@code -k}) is in the first phase whatever the order: that is when they go out. Native sidecars keep
 * {@link StopPlan#NO_PHASE}.
 */
final class Phasing {
    private Phasing() {}

    static List<Step> phases(List<Step> steps, List<List<String>> order) {
        List<Step> placed = new ArrayList<>();
        boolean anyOther = steps.stream().anyMatch(s -> s.phase() != StopPlan.NO_PHASE && !mesh(s));
        for (Step step : steps) {
            int phase = StopPlan.NO_PHASE;
            if (step.how() instanceof StopPlan.ByOptions) {
                phase = 0; // the unbound options' requests and signals go out in the first phase: so is it stopped
            } else if (step.phase() != StopPlan.NO_PHASE) {
                phase = order.isEmpty() ? (mesh(step) && anyOther ? 1 : 0) : named(order, step.sidecar());
            }
            placed.add(new Step(step.sidecar(), step.known(), step.how(), phase));
        }
        TreeSet<Integer> used = new TreeSet<>();
        placed.forEach(s -> { if (s.phase() != StopPlan.NO_PHASE) used.add(s.phase()); });
        List<Integer> numbers = new ArrayList<>(used);
        return placed.stream().map(s -> s.phase() == StopPlan.NO_PHASE ? s
                : new Step(s.sidecar(), s.known(), s.how(), numbers.indexOf(s.phase()))).toList();
    }

    private static boolean mesh(Step step) {
        return step.known().map(KnownSidecars.Known::mesh).orElse(false);
    }

    private static int named(List<List<String>> order, String sidecar) {
        for (int i = 0; i < order.size(); i++) if (order.get(i).contains(sidecar)) return i;
        return 0;
    }
}
