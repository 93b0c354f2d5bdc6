package dev.proa;

import dev.proa.lifecycle.RequestRetry;
import dev.proa.lifecycle.SignalStep;
import dev.proa.sidecars.PodView;
import java.util.Map;

/** What can happen, as the {@link EventLoop}'s queue carries it. */
public sealed interface Event {
    record PodSeen(PodView view) implements Event {}

    record SignalArrived(int number, String name) implements Event {}

    /**
     * The answer to probe number {@code probe} (see {@link Phase.Probe}): each target with null when it answered as
     * asked, else why not; or, when the probe itself failed, no results and {@code failure} saying why.
     */
    record Probed(long probe, Map<String, String> results, String failure) implements Event {}

    record CommandExited(int status) implements Event {}

    record RequestEnded(int index, RequestRetry.Result result) implements Event {}

    /** A signal as the phases see it: what {@link SignalStep} decided it does in the current phase. */
    record Signalled(int number, String name, SignalStep.Effect effect) implements Event {}
}
