package dev.proa;

import dev.proa.Readiness.Pending;
import dev.proa.Readiness.Verdict;
import dev.proa.Sidecars.Sidecar;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;

/**
 * The first phase: wait until every sidecar is ready, one fails for good, the startup timeout passes, or a signal
 * arrives. Each new version of the Pod is judged the moment it arrives; nothing polls.
 */
final class StartupWait {
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(30);

    /** How the wait ended. */
    sealed interface Outcome {}

    /** Run COMMAND (all is ready, or the timeout passed with {@code --on-startup-timeout=continue}). */
    record Proceed(Duration waited) implements Outcome {}

    /** Do not run COMMAND; exit with {@code status}, for the reason {@code why}. */
    record Abort(int status, String why) implements Outcome {}

    private final Logger log;
    private final PodWatch pod; // null when proa does not watch its Pod (only --wait-http and --wait-tcp)
    private final Endpoints endpoints;
    private final Sidecars.Choice choice;
    private final Optional<Duration> timeout;
    private final boolean continueOnTimeout;
    private final Signals signals;
    private final Duration progressInterval;
    private final String origin;
    private final long started = System.nanoTime();
    private final Set<String> ready = new LinkedHashSet<>();
    private final Map<String, String> stuck = new HashMap<>();
    private boolean announced;

    StartupWait(Logger log, PodWatch pod, Options options, Signals signals) {
        this(log, pod, new Endpoints(log, List.of(), List.of()), options, signals, PROGRESS_INTERVAL, "");
    }

    /**
     * {@code origin} says where the Pod's name and namespace came from, for the message when there is no such Pod;
     * {@code progressInterval} is how often to say what is still awaited.
     */
    StartupWait(Logger log, PodWatch pod, Endpoints endpoints, Options options, Signals signals,
            Duration progressInterval, String origin) {
        this.log = log;
        this.endpoints = endpoints;
        this.progressInterval = progressInterval;
        this.origin = origin;
        this.pod = pod;
        this.choice = Sidecars.Choice.of(options);
        this.timeout = options.startupTimeout();
        this.continueOnTimeout = options.continueOnStartupTimeout();
        this.signals = signals;
    }

    Outcome await() throws InterruptedException {
        PodWatch.Snapshot seen = pod == null ? null : pod.current();
        long nextProgress = started + progressInterval.toNanos();
        long nextProbe = started;
        if (pod == null) log.info("Waiting for {}{}", String.join(", ", endpoints.notReady().keySet()), timeoutText());
        while (true) {
            if (signals.stoppedBy() != 0) {
                int signal = signals.stoppedBy();
                return new Abort(ExitStatus.ofSignal(signal), "signal " + signal + " arrived before COMMAND started");
            }
            Outcome podOutcome = pod == null ? READY : judge(seen);
            if (podOutcome instanceof Abort abort) return abort;
            long now = System.nanoTime();
            if (!endpoints.isEmpty() && now >= nextProbe && podOutcome == READY) {
                endpoints.probe();
                now = System.nanoTime();
                nextProbe = now + Endpoints.INTERVAL.toNanos();
            }
            if (podOutcome == READY && endpoints.notReady().isEmpty()) return ready(seen);
            if (timeout.isPresent() && now - started >= timeout.get().toNanos()) return timedOut(seen);
            if (now >= nextProgress) {
                logProgress(seen);
                nextProgress = now + progressInterval.toNanos();
            }
            long until = nextProgress;
            if (timeout.isPresent()) until = Math.min(until, started + timeout.get().toNanos());
            if (!endpoints.isEmpty() && podOutcome == READY) until = Math.min(until, nextProbe);
            Duration pause = Duration.ofNanos(Math.max(until - now, 1));
            if (pod == null) Thread.sleep(Math.min(pause.toMillis() + 1, Endpoints.INTERVAL.toMillis()));
            else seen = pod.awaitChange(seen, pause);
        }
    }

    /** The Pod's sidecars are ready: a marker, never returned. */
    private static final Outcome READY = new Proceed(Duration.ZERO);

    private Outcome ready(PodWatch.Snapshot seen) {
        String sidecars = "";
        if (seen != null) {
            List<Sidecar> all = ((Readiness.Ready) Readiness.judge(seen.pod(), choice)).sidecars();
            sidecars = "all sidecars of Pod " + Pods.describe(seen.pod())
                    + (all.isEmpty() ? " (it has none)" : " (" + Sidecars.names(all) + ")") + " are ready";
        }
        String targets = endpoints.isEmpty() ? "" : "every --wait-http and --wait-tcp target answers";
        String both = sidecars.isEmpty() || targets.isEmpty() ? sidecars + targets : sidecars + ", and " + targets;
        Logging.with(log.atInfo(), "pod", pod == null ? null : pod.namespace() + "/" + pod.name())
                .log("After {}, {}: running COMMAND", elapsed(), both);
        return new Proceed(Duration.ofNanos(System.nanoTime() - started));
    }

    /** What this version of the Pod means: an Abort, {@link #READY}, or null to keep waiting. */
    private Outcome judge(PodWatch.Snapshot seen) {
        if (seen.gone()) {
            String why;
            if (seen.pod() == null) {
                why = "Pod " + pod.namespace() + "/" + pod.name() + " does not exist"
                        + (origin.isEmpty() ? "" : " (" + origin + ")");
                log.error("{}: check --pod-name and --namespace (or POD_NAME and POD_NAMESPACE, set from the downward"
                        + " API). Not running COMMAND; exit {}", why, ExitStatus.STARTUP_FAILED);
            } else {
                why = "Pod " + Pods.describe(seen.pod()) + " was deleted while proa waited for its sidecars";
                log.error("{}. Not running COMMAND; exit {}", why, ExitStatus.STARTUP_FAILED);
            }
            return new Abort(ExitStatus.STARTUP_FAILED, why);
        }
        if (seen.pod() == null) return null;
        Verdict verdict = Readiness.judge(seen.pod(), choice);
        switch (verdict) {
            case Readiness.Ready r -> {
                noteReady(r.sidecars(), List.of());
                return READY;
            }
            case Readiness.Failed f -> {
                log.error("Startup failed: {}. Not running COMMAND; stopping the sidecars, then exiting {}",
                        f.why(), ExitStatus.STARTUP_FAILED);
                return new Abort(ExitStatus.STARTUP_FAILED, f.why());
            }
            case Readiness.Waiting w -> {
                noteReady(w.sidecars(), w.pending());
                noteStuck(w.pending());
                return null;
            }
        }
    }

    private void noteReady(List<Sidecar> sidecars, List<Pending> pending) {
        if (!announced) {
            announced = true;
            log.info("Waiting for the sidecars of Pod {}/{} to be ready: {}{}{}", pod.namespace(), pod.name(),
                    Sidecars.names(sidecars), endpoints.isEmpty() ? "" : "; and for "
                            + String.join(", ", endpoints.notReady().keySet()), timeoutText());
        }
        Set<String> notReady = pending.stream().map(Pending::container).collect(Collectors.toSet());
        for (Sidecar sidecar : sidecars) {
            if (!notReady.contains(sidecar.name()) && ready.add(sidecar.name()) && !pending.isEmpty()) {
                Logging.with(log.atInfo(), "pod", pod.namespace() + "/" + pod.name(), "container", sidecar.name())
                        .log("Sidecar {} is ready after {}; still waiting for {}", sidecar.name(), elapsed(),
                                String.join(", ", notReady));
            }
            if (notReady.contains(sidecar.name()) && ready.remove(sidecar.name())) {
                log.warn("Sidecar {} is no longer ready; waiting for it again", sidecar.name());
            }
        }
    }

    /** A stuck sidecar is logged when first seen and whenever its reason changes: not on every event. */
    private void noteStuck(List<Pending> pending) {
        for (Pending p : pending) {
            String before = stuck.get(p.container());
            if (p.isStuck() && !p.state().equals(before)) {
                Logging.with(log.atWarn(), "pod", pod.namespace() + "/" + pod.name(), "container", p.container(),
                        "reason", p.stuckReason()).log("Sidecar {} cannot start: {}. It will not become ready until"
                                + " this is fixed", p.container(), p.state());
            }
            if (p.isStuck()) stuck.put(p.container(), p.state());
            else stuck.remove(p.container());
        }
    }

    private String timeoutText() {
        return timeout.map(t -> " (startup timeout " + Durations.format(t) + ")").orElse("");
    }

    private void logProgress(PodWatch.Snapshot seen) {
        log.info("Still waiting after {} for {}", elapsed(), describeWaiting(seen));
    }

    private Outcome timedOut(PodWatch.Snapshot seen) {
        String waiting = describeWaiting(seen);
        if (continueOnTimeout) {
            log.warn("Startup timeout of {} passed; running COMMAND anyway (--on-startup-timeout=continue). Not ready: {}",
                    Durations.format(timeout.orElseThrow()), waiting);
            return new Proceed(Duration.ofNanos(System.nanoTime() - started));
        }
        log.error("Startup timeout of {} passed. Not ready: {}. Not running COMMAND; stopping the sidecars, then exiting {}",
                Durations.format(timeout.orElseThrow()), waiting, ExitStatus.STARTUP_FAILED);
        return new Abort(ExitStatus.STARTUP_FAILED,
                "startup timeout of " + Durations.format(timeout.orElseThrow()) + " passed; not ready: " + waiting);
    }

    private String describeWaiting(PodWatch.Snapshot seen) {
        String targets = Endpoints.describe(endpoints.notReady());
        if (seen == null) return targets;
        String sidecars = describeSidecars(seen);
        return targets.isEmpty() ? sidecars : sidecars.equals("(nothing)") ? targets : sidecars + ", " + targets;
    }

    private String describeSidecars(PodWatch.Snapshot seen) {
        if (seen.pod() == null) {
            String why = seen.error() == null ? "no answer yet" : "last error: " + ApiErrors.describe(seen.error());
            return "Pod " + pod.namespace() + "/" + pod.name() + " to be read from the API server (" + why + ")";
        }
        if (!(Readiness.judge(seen.pod(), choice) instanceof Readiness.Waiting w)) return "(nothing)";
        return w.pending().stream().map(p -> p.container() + " (" + p.state() + ")").collect(Collectors.joining(", "));
    }

    private String elapsed() {
        return Durations.human(Duration.ofNanos(System.nanoTime() - started));
    }
}
