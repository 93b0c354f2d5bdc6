package dev.proa;

import dev.proa.ShutdownRequests.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * The last phase, after COMMAND exits or the startup fails: ask the sidecars to stop (every HTTP request at once, then
 * the signals), then watch the Pod until every regular sidecar has terminated. Native sidecars are not waited for: the
 * kubelet stops them only once proa's own container has exited. Nothing here outlasts the shutdown timeout.
 */
final class Shutdown {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Logger log;
    private final Options options;
    private final ShutdownRequests requests;
    private final ProcessKiller killer;
    private final Signals signals;

    Shutdown(Logger log, Options options, Signals signals) {
        this.log = log;
        this.options = options;
        this.signals = signals;
        this.requests = new ShutdownRequests(log); // built now, so nothing is built between COMMAND's exit and the requests
        this.killer = new ProcessKiller(log);
    }

    /**
     * Runs the shutdown; {@code pod} is null when proa does not watch its Pod, and then {@code targets} (the
     * --wait-http and --wait-tcp ones) tell when the sidecars have stopped: once nothing answers there. Returns what
     * was still running when it ended: empty when every sidecar stopped, or when there was nothing to wait for.
     */
    List<String> run(PodWatch pod, Endpoints targets) throws InterruptedException {
        long start = System.nanoTime();
        signals.shuttingDown();
        PodWatch.Snapshot seen = pod == null ? null : pod.current();
        Duration timeout = timeout(seen);
        long deadline = start + timeout.toNanos();
        List<Endpoint> endpoints = Endpoint.of(options);
        AtomicBoolean sidecarsStopped = new AtomicBoolean();
        AtomicInteger unfinished = new AtomicInteger(endpoints.size());
        Runnable wake = pod == null ? () -> {} : pod::wake;
        requests.sendAll(endpoints, deadline, sidecarsStopped::get, () -> {
            unfinished.decrementAndGet();
            wake.run();
        });
        killer.kill(options.kill, options.killAll);

        boolean asked = !endpoints.isEmpty() || !options.kill.isEmpty() || options.killAll;
        if (!asked) {
            // Sidecars cannot tell that COMMAND is done until proa's container exits, so waiting would be in vain.
            log.info("Shutdown: nothing to ask the sidecars (no --shutdown-http-get, --shutdown-http-post or --kill);"
                    + " not waiting for them");
            return List.of();
        }
        Optional<List<Sidecars.Sidecar>> watched = observable(seen) ? sidecars(seen) : Optional.empty();
        boolean probing = pod == null && !targets.isEmpty();
        if (watched.isEmpty() && seen != null) {
            log.warn("Shutdown: the Pod cannot be watched, so proa does not wait for the sidecars to stop");
        }
        while (true) {
            List<String> running = watched.map(s -> Sidecars.stillRunning(pod.current().pod(), s))
                    .orElse(probing ? targets.stillAnswering() : List.of());
            if (running.isEmpty()) sidecarsStopped.set(true);
            if (running.isEmpty() && unfinished.get() == 0) {
                boolean waited = probing || watched.map(s -> s.stream().anyMatch(x -> !x.isNative())).orElse(false);
                log.info("Shutdown complete after {}{}", Durations.human(Duration.ofNanos(System.nanoTime() - start)),
                        waited ? ": every sidecar has stopped" : "");
                return List.of();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || signals.skipWaiting()) {
                log.warn("Shutdown {} after {}; {}",
                        left <= 0 ? "timeout of " + Durations.format(timeout) + " passed" : "cut short by a signal",
                        Durations.human(Duration.ofNanos(System.nanoTime() - start)), running.isEmpty()
                                ? unfinished.get() + " shutdown request(s) still unanswered"
                                : "still running: " + String.join(", ", running));
                return running;
            }
            Duration pause = Duration.ofNanos(probing ? Math.min(left, Endpoints.INTERVAL.toNanos()) : left);
            if (pod == null) {
                Thread.sleep(probing ? pause.toMillis() + 1 : Math.min(pause.toMillis() + 1, 50));
            } else {
                pod.awaitChange(seen, pause);
                seen = pod.current();
                if (!observable(seen) && watched.isPresent()) {
                    log.warn("Shutdown: the Pod can no longer be watched ({}); not waiting for the sidecars",
                            seen.gone() ? "it was deleted" : ApiErrors.describe(seen.error()));
                    watched = Optional.empty();
                }
            }
        }
    }

    /**
     * --shutdown-timeout, else the Pod's grace period, else 30 s; at least 1 s, so that each request is sent at least
     * once (a grace period of 0 is about deleting the Pod, not about proa's shutdown: it counts as unset).
     */
    private Duration timeout(PodWatch.Snapshot seen) {
        Duration timeout = DEFAULT_TIMEOUT;
        if (options.shutdownTimeout != null) {
            timeout = options.shutdownTimeout;
        } else if (seen != null && seen.pod() != null) {
            Long grace = seen.pod().getSpec().getTerminationGracePeriodSeconds();
            if (grace != null && grace > 0) timeout = Duration.ofSeconds(grace);
        }
        return timeout.compareTo(MINIMUM_TIMEOUT) < 0 ? MINIMUM_TIMEOUT : timeout;
    }

    private static final Duration MINIMUM_TIMEOUT = Duration.ofSeconds(1);

    private static boolean observable(PodWatch.Snapshot seen) {
        return seen != null && seen.pod() != null && !seen.gone()
                && (seen.error() == null || !ApiErrors.isDenied(seen.error()));
    }

    private Optional<List<Sidecars.Sidecar>> sidecars(PodWatch.Snapshot seen) {
        try {
            return Optional.of(Sidecars.select(seen.pod(), Sidecars.Choice.of(options)));
        } catch (Sidecars.NotInPod e) {
            return Optional.empty(); // the startup failed for this reason already, and said so
        }
    }
}
