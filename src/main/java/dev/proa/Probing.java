package dev.proa;

import dev.proa.probe.Endpoints;
import dev.proa.report.Logging;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The {@code --wait-http}/{@code --wait-tcp} probes the event loop asks for, each run in the background; its results
 * arrive as an event, always (a phase waits for them): a probe that fails on a defect of proa's own arrives as a
 * failed result, said at warn once (it is retried every probe interval), then at debug.
 */
final class Probing {
    private final Logger log;
    private final Endpoints endpoints;
    private final Consumer<Event> events;
    private volatile boolean failureSaid;

    Probing(Logger log, Endpoints endpoints, Consumer<Event> events) {
        this.log = log;
        this.endpoints = endpoints;
        this.events = events;
    }

    /** Probes {@code targets} as probe number {@code number}; {@code anyAnswer}: any answer counts, not only 2xx. */
    void start(long number, List<String> targets, boolean anyAnswer) {
        Thread.ofVirtual().name("proa-probe").start(() -> {
            try {
                events.accept(new Event.Probed(number, endpoints.check(targets, anyAnswer), null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                String why = "the probe failed on an error of proa's own (" + Logging.sentence(e) + ")";
                if (!failureSaid) {
                    failureSaid = true;
                    log.warn("Probing {} failed on an error of proa's own ({}; the details at --log-level=debug);"
                            + " probing again", String.join(", ", targets), Logging.sentence(e));
                }
                log.debug("Probing {} failed", targets, e);
                events.accept(new Event.Probed(number, Map.of(), why));
            }
        });
    }
}
