package dev.proa.lifecycle;

import dev.proa.config.Durations;
import dev.proa.sidecars.PodView;
import java.time.Duration;
import java.util.Optional;

/**
 * The stop's one deadline, resolved once when the stop begins and carried by each of its phases (the wait for the
 * other main containers, then the shutdown): together they never pass it. {@code start} and {@code at} are on the
 * nanoTime clock; {@code timeout} is what the log names. Saturating: a timeout past any clock is never.
 */
public record Deadline(long start, long at, Duration timeout) {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** At least this, so that each shutdown request is sent at least once. */
    static final Duration MINIMUM_TIMEOUT = Duration.ofSeconds(1);

    /**
     * --shutdown-timeout, else the Pod's grace period, else 30 s; at least 1 s (a grace period of 0 is about deleting
     * the Pod, not about proa's shutdown: it counts as unset).
     */
    public static Deadline of(Optional<Duration> given, PodView seen, long now) {
        Duration timeout = DEFAULT_TIMEOUT;
        if (given.isPresent()) {
            timeout = given.get();
        } else if (seen.pod() != null && seen.pod().getSpec() != null) {
            Long grace = seen.pod().getSpec().getTerminationGracePeriodSeconds();
            if (grace != null && grace > 0) timeout = Duration.ofSeconds(grace);
        }
        if (timeout.compareTo(MINIMUM_TIMEOUT) < 0) timeout = MINIMUM_TIMEOUT;
        return new Deadline(now, Durations.plus(now, timeout), timeout);
    }

    /**
     * When the share that begins {@code now} ends, of {@code shares} equal shares of the time left: a phase of the
     * shutdown that ends early leaves its time to the ones after it. Never past the deadline.
     */
    public long share(long now, int shares) {
        if (at == Long.MAX_VALUE) return at;
        long left = Math.max(0, Durations.between(now, at));
        return now + left / Math.max(1, shares);
    }

    /**
     * When the wait for the other main containers must end at the latest: early enough to leave the shutdown's requests
     * their time (one request's timeout, at most half of the whole), so that the sidecars are still asked to stop
     * before the deadline.
     */
    public long forMains() {
        Duration reserve = Durations.half(timeout);
        if (reserve.compareTo(RequestRetry.PER_REQUEST_TIMEOUT) > 0) reserve = RequestRetry.PER_REQUEST_TIMEOUT;
        return at == Long.MAX_VALUE ? at : at - reserve.toNanos();
    }
}
