package dev.proa;

import dev.proa.lifecycle.Line;
import dev.proa.lifecycle.Shutdown;
import dev.proa.lifecycle.SignalStep;
import java.util.List;

/**
 * One phase as the {@link EventLoop} drives it: its start, its step, and how an event becomes its input. Each phase
 * adapts a pure step function of {@code lifecycle} ({@link dev.proa.lifecycle.Startup}, {@link
 * dev.proa.lifecycle.MainsWait}, {@link Shutdown}); the loop only performs the {@link Turn}s they return.
 */
interface Phase<R> {
    /** What a signal does in this phase (see {@link SignalStep}). */
    SignalStep.Phase signals();

    Turn<R> begin(long now);

    /** {@code event} happened at {@code now} (null: time passed); a signal arrives judged, as {@link Event.Signalled}. */
    Turn<R> on(Event event, long now);

    /**
     * What to do: perform the effects (the requests first, so that nothing delays them) and log the lines; wake at
     * {@code wakeAt} if nothing happens first; a {@code result} ends the phase.
     */
    record Turn<R>(List<Line> lines, List<Effect> effects, long wakeAt, R result) {
        static <R> Turn<R> of(List<Line> lines, long wakeAt, R result) {
            return new Turn<>(lines, List.of(), wakeAt, result);
        }
    }

    /** What a step asks the loop to do, besides logging. */
    sealed interface Effect {}

    /** Probe {@code targets} (--wait-http, --wait-tcp): for 2xx and a connection, or with {@code anyAnswer}, any answer. */
    record Probe(List<String> targets, boolean anyAnswer) implements Effect {}

    /** Send a shutdown request. */
    record Send(Shutdown.Send send) implements Effect {}

    /** SIGTERM to the processes of a sidecar that answered its request and still runs (see {@link Shutdown.Escalate}). */
    record Escalate(Shutdown.Escalate escalate) implements Effect {}

    /** Send the --kill and --kill-all signals. */
    record Kill() implements Effect {}

    /** Forward a signal to COMMAND. */
    record Forward(int number, String name) implements Effect {}
}
