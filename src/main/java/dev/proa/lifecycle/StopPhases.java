package dev.proa.lifecycle;

import dev.proa.config.Durations;
import dev.proa.lifecycle.Shutdown.Escalate;
import dev.proa.lifecycle.Shutdown.Phasing;
import dev.proa.lifecycle.Shutdown.Rules;
import dev.proa.lifecycle.Shutdown.State;
import dev.proa.sidecars.Pods;
import dev.proa.sidecars.StopPlan;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shutdown's phases, as decisions of {@link Shutdown}'s step: when the next phase begins, and which sidecar is
 * sent SIGTERM. The stop's one {@link Deadline} is cut into shares: one per phase left, two when the Pod shares its
 * process namespace (the second for a SIGTERM to take effect, before the next phase begins); a phase that ends early
 * (its sidecars all terminated) leaves its time to the ones after. Without the Pod to watch, nothing tells that a
 * phase's sidecars terminated, and the plan has one phase.
 */
final class StopPhases {
    private StopPhases() {}

    /** The first phase, beginning {@code now}. */
    static Phasing first(Rules rules, long now) {
        return new Phasing(0, rules.deadline().share(now, shares(rules, 0)));
    }

    /** The line that says the phases at the shutdown's start, when there are several. */
    static Optional<Line> said(StopPlan plan) {
        if (plan.phases() < 2) return Optional.empty();
        List<String> phases = new ArrayList<>();
        for (int k = 0; k < plan.phases(); k++) phases.add(String.join(", ", plan.inPhase(k)));
        return Optional.of(Line.info("Shutdown in " + plan.phases() + " phases: first " + String.join("; then ", phases)
                + " (each once the one before has terminated, or had its share of the shutdown timeout)"));
    }

    /**
     * Where the phases are {@code now}: at the end of a phase's share, SIGTERM to each of its sidecars that answered
     * its request and still runs (once, with a shared process namespace, before the deadline); and the next phase
     * begins once this one's sidecars have all terminated (or nothing tells, the Pod unwatched) or its share passed.
     * After a SIGTERM, the next phase waits one more share for the sidecars sent it to terminate: a log shipper that
     * flushes on SIGTERM must not race the mesh proxy's request.
     */
    static State advance(Rules rules, State s, long now, List<Line> lines, List<Escalate> escalations) {
        StopPlan plan = rules.plan();
        while (true) {
            Phasing at = s.phasing();
            List<String> running = running(rules, s, at.phase());
            boolean over = now >= at.shareEnd();
            String why;
            if (!at.escalated().isEmpty()) {
                List<String> still = running.stream().filter(at.escalated()::contains).toList();
                if (!still.isEmpty() && !over) return s;
                why = still.isEmpty() ? "phase " + (at.phase() + 1) + "'s sidecars sent SIGTERM have terminated"
                        : "the time phase " + (at.phase() + 1) + "'s sidecars had after SIGTERM passed; still running: "
                                + String.join(", ", running);
            } else {
                List<Escalate> sent = new ArrayList<>();
                if (over && now < rules.deadline().at()) escalate(rules, s, running, lines, sent);
                escalations.addAll(sent);
                if (at.phase() >= plan.phases() - 1) {
                    // The last phase: its share's end is when a SIGTERM goes out; then the wait goes on to the deadline.
                    return s.with(new Phasing(at.phase(), over ? Long.MAX_VALUE : at.shareEnd()));
                }
                boolean done = s.watched().isEmpty() || running.isEmpty();
                if (!done && !over) return s;
                if (!sent.isEmpty()) { // the SIGTERM's share: the next phase waits for it, or for its end
                    s = s.with(new Phasing(at.phase(), rules.deadline().share(now, shares(rules, at.phase()) - 1),
                            sent.stream().map(Escalate::sidecar).toList()));
                    continue;
                }
                why = done ? "phase " + (at.phase() + 1) + "'s sidecars have terminated" : "phase " + (at.phase() + 1)
                        + "'s share of the shutdown timeout passed; still running: " + String.join(", ", running);
            }
            int next = at.phase() + 1;
            String took = Durations.human(Duration.ofNanos(Math.max(0, Durations.between(s.start(), now))));
            lines.add(Line.info("Shutdown phase " + (next + 1) + " of " + plan.phases() + " ("
                    + String.join(", ", plan.inPhase(next)) + ") after " + took + ": " + why));
            s = s.with(new Phasing(next, rules.deadline().share(now, shares(rules, next))));
        }
    }

    /**
     * The shutdown ends (its timeout, a repeated signal) with requests still waiting: a later phase's, never sent, or
     * a refused one's retry. Each goes out once now, whatever its phase, and is not waited for: a request never sent is
     * worse than one sent late.
     */
    static State sendLeft(Rules rules, State s, List<Shutdown.Send> sends, List<Line> lines) {
        List<Shutdown.Request> requests = new ArrayList<>(s.requests());
        for (int i = 0; i < requests.size(); i++) {
            Shutdown.Request r = requests.get(i);
            if (r.progress() != Shutdown.Progress.WAITING) continue;
            int phase = rules.plan().requests().get(i).phase();
            String which = rules.plan().phases() < 2 ? "" : " (phase " + (phase + 1) + " of " + rules.plan().phases() + ")";
            lines.add(Line.info("Shutdown request " + r.retry() + which + (r.retry().refusedBefore()
                    ? " sent once more, as the shutdown ends before its retry" : " sent now, as the shutdown ends before"
                            + " it went out") + "; its answer awaited " + Durations.human(Shutdown.LAST_ANSWERS) + " at most"));
            sends.add(new Shutdown.Send(i, r.retry(), RequestRetry.PER_REQUEST_TIMEOUT));
            requests.set(i, new Shutdown.Request(r.retry(), Shutdown.Progress.DONE, 0, r.answered()));
        }
        return s.with(requests);
    }

    /** Phase {@code phase}'s sidecars still running, as the Pod tells (none when it is not watched). */
    private static List<String> running(Rules rules, State s, int phase) {
        List<String> inPhase = rules.plan().inPhase(phase);
        return Shutdown.running(rules, s).stream().filter(inPhase::contains).toList();
    }

    private static void escalate(Rules rules, State s, List<String> running, List<Line> lines,
            List<Escalate> escalations) {
        for (String sidecar : running) {
            StopPlan.Step step = rules.plan().step(sidecar).orElse(null);
            if (step == null || !rules.plan().escalates(step) || !answered(rules, s, sidecar)) continue;
            ContainerStatus status = s.seen().pod() == null ? null : Pods.status(s.seen().pod(), sidecar);
            String id = status == null ? null : status.getContainerID();
            if (id == null || id.isBlank()) {
                lines.add(Line.warn("Sidecar " + sidecar + " answered its shutdown request but still runs at the end of"
                        + " its share of the shutdown timeout, and its status has no containerID to find its processes"
                        + " by: not sending SIGTERM", "container", sidecar));
                continue;
            }
            lines.add(Line.warn("Sidecar " + sidecar + " answered its shutdown request but still runs at the end of its"
                    + " share of the shutdown timeout: sending SIGTERM to its processes (the Pod shares its process"
                    + " namespace)", "container", sidecar));
            escalations.add(new Escalate(sidecar, id));
        }
    }

    /** Whether a request of {@code sidecar}'s own got an HTTP answer. */
    private static boolean answered(Rules rules, State s, String sidecar) {
        for (int i = 0; i < s.requests().size(); i++) {
            if (s.requests().get(i).answered()
                    && rules.plan().requests().get(i).sidecar().equals(Optional.of(sidecar))) return true;
        }
        return false;
    }

    /**
     * How many shares the time left is cut into from phase {@code phase} on: one per phase left, two when the Pod
     * shares its process namespace (the second for a SIGTERM to take effect before the next phase, or the deadline).
     */
    static int shares(Rules rules, int phase) {
        return (rules.plan().phases() - phase) * (rules.plan().sharedProcesses() ? 2 : 1);
    }
}
