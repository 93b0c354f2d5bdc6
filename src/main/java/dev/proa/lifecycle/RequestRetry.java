package dev.proa.lifecycle;

import dev.proa.config.Durations;
import dev.proa.config.Urls;
import dev.proa.sidecars.KnownSidecars;
import dev.proa.sidecars.StopPlan;
import dev.proa.sidecars.StopWords;
import java.time.Duration;
import java.util.List;

/**
 * One shutdown request's retries, as decisions. A refused connection (the sidecar not listening yet, or gone) is
 * retried with a doubling delay until the sidecars have stopped or the shutdown timeout passes; an answer, a timeout
 * or any other failure ends it. A pure step function of (state, how the last attempt went, the time).
 */
public final class RequestRetry {
    /** The longest one request may take; an endpoint that hangs is abandoned after this. */
    public static final Duration PER_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    static final Duration FIRST_RETRY = Duration.ofMillis(100);
    static final Duration LAST_RETRY = Duration.ofSeconds(1);

    private RequestRetry() {}

    /**
     * A request: its method and URL, where its retries are, and the sidecar it is known to be for (null when it is
     * not known), whose facts name the likely cause of a failure.
     */
    public record State(String method, String url, Duration nextDelay, boolean refusedBefore, KnownSidecars.Known known) {
        public static State of(StopPlan.Request request) {
            return new State(request.method(), request.url(), FIRST_RETRY, false, request.known());
        }

        StopPlan.Request request() {
            return new StopPlan.Request(method, url, known);
        }

        @Override
        public String toString() {
            return method + " " + Urls.printable(url);
        }
    }

    /** How an attempt went. */
    public sealed interface Result {}

    /** {@code body}: the start of the answer's body, which may say why (Linkerd's 404 does). */
    public record Answered(int code, String message, Duration took, String body) implements Result {}

    public record Refused(String message) implements Result {}

    public record NoAnswer(Duration waited) implements Result {}

    public record Failed(String message) implements Result {}

    /** What to do next: {@code sendTimeout} > 0 to send now with that timeout, else {@code retryAt}, else done. */
    public record Step(State state, Duration sendTimeout, long retryAt, boolean done, List<Line> lines) {}

    /** Time to send (first, or again): now, unless the deadline passed. */
    public static Step send(State state, long now, long deadline) {
        long left = Durations.between(now, deadline);
        if (left <= 0) {
            return done(state, Line.warn("Shutdown request " + state + " gave up: the shutdown timeout passed"
                    + (state.refusedBefore() ? " while its connection was refused" : "")));
        }
        return new Step(state, Duration.ofNanos(Math.min(left, PER_REQUEST_TIMEOUT.toNanos())), 0, false, List.of());
    }

    /** The attempt ended with {@code result}; {@code sidecarsStopped}: no sidecar is left to wait for. */
    public static Step after(State state, Result result, long now, long deadline, boolean sidecarsStopped) {
        return switch (result) {
            case Answered a when a.code() >= 200 && a.code() < 300 -> done(state, Line.info("Shutdown request " + state
                    + " answered " + a.code() + " in " + Durations.human(a.took()), fields(state, a.code())));
            case Answered a -> done(state, Line.warn("Shutdown request " + state + " answered " + a.code() + " "
                    + a.message() + said(a.body()) + " in " + Durations.human(a.took()) + ": the sidecar may not have stopped"
                    + hint(StopWords.hint(state.request(), a.code(), a.body())), fields(state, a.code())));
            case NoAnswer n -> done(state, Line.warn("Shutdown request " + state + " got no answer within "
                    + Durations.human(n.waited()) + ": abandoned"));
            case Failed f -> done(state, Line.warn("Shutdown request " + state + " failed: " + f.message()
                    + ". Not retrying"));
            case Refused r when sidecarsStopped -> done(state, Line.info("Shutdown request " + state + " was refused,"
                    + " and no sidecar is left to wait for: not retrying"));
            case Refused r -> {
                List<Line> lines = state.refusedBefore() ? List.of() : List.of(Line.warn("Shutdown request " + state
                        + " was refused (" + r.message() + "); retrying until the sidecars stop or the shutdown timeout"
                        + " passes" + hint(StopWords.refusedHint(state.request()))));
                Duration doubled = Durations.twice(state.nextDelay());
                State next = new State(state.method(), state.url(),
                        doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled, true, state.known());
                long at = Durations.plus(now, Duration.ofNanos(Math.min(state.nextDelay().toNanos(),
                        Math.max(Durations.between(now, deadline), 0))));
                yield new Step(next, Duration.ZERO, at, false, lines);
            }
        };
    }

    /** Why a request is sent only once after an error of proa's own (see {@link Shutdown#once}). */
    public static final String AFTER_AN_ERROR = "after an error of its own proa asks each sidecar only once";
    /** Why a request sent as the shutdown ends is sent only once. */
    public static final String AS_IT_ENDS = "the shutdown has ended";

    /**
     * A one-time attempt ended with {@code result}: said, never retried, as {@code why} says (the last resort's, see
     * {@link Shutdown#once}, or a request that went out only as the shutdown ended).
     */
    public static List<Line> once(State state, Result result, String why) {
        if (result instanceof Refused r) {
            return List.of(Line.warn("Shutdown request " + state + " was refused (" + r.message() + "); not retrying,"
                    + " as " + why + hint(StopWords.refusedHint(state.request()))));
        }
        return after(state, result, 0, 0, false).lines();
    }

    private static String hint(String hint) {
        return hint == null ? "" : ". " + hint;
    }

    /** The answer's body, when it says something, on one line. */
    private static String said(String body) {
        String text = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        if (text.length() > 120) text = text.substring(0, 120) + "...";
        return text.isEmpty() ? "" : " (\"" + text + "\")";
    }

    private static Object[] fields(State state, int code) {
        return new Object[] {"url", Urls.printable(state.url()), "method", state.method(), "status", code};
    }

    private static Step done(State state, Line line) {
        return new Step(state, Duration.ZERO, 0, true, List.of(line));
    }
}
