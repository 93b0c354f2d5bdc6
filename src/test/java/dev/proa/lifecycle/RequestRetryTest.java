package dev.proa.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.proa.sidecars.StopPlan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A shutdown request's retries, as a table of (attempt's result, the time) → what next. No HTTP, no sleeping. */
class RequestRetryTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final RequestRetry.State POST = RequestRetry.State.of(new StopPlan.Request("POST",
            "http://127.0.0.1:15020/quitquitquit", null));

    static List<Arguments> endings() {
        return List.of(
                Arguments.of(new RequestRetry.Answered(200, "OK", Duration.ofMillis(12), ""), false,
                        "INFO Shutdown request POST http://127.0.0.1:15020/quitquitquit answered 200 in 12ms"),
                Arguments.of(new RequestRetry.Answered(503, "Service Unavailable", Duration.ofMillis(3), ""), false,
                        "WARN Shutdown request POST http://127.0.0.1:15020/quitquitquit answered 503 Service Unavailable"
                                + " in 3ms: the sidecar may not have stopped"),
                Arguments.of(new RequestRetry.NoAnswer(Duration.ofSeconds(5)), false,
                        "WARN Shutdown request POST http://127.0.0.1:15020/quitquitquit got no answer within 5.0s: abandoned"),
                Arguments.of(new RequestRetry.Failed("unexpected end of stream"), false,
                        "WARN Shutdown request POST http://127.0.0.1:15020/quitquitquit failed: unexpected end of stream."
                                + " Not retrying"),
                Arguments.of(new RequestRetry.Refused("Connection refused"), true,
                        "INFO Shutdown request POST http://127.0.0.1:15020/quitquitquit was refused, and no sidecar is"
                                + " left to wait for: not retrying"));
    }

    @ParameterizedTest
    @MethodSource("endings")
    void endsWith(RequestRetry.Result result, boolean sidecarsStopped, String line) {
        RequestRetry.Step step = RequestRetry.after(POST, result, 0, 30 * S, sidecarsStopped);

        assertTrue(step.done());
        assertEquals(List.of(line), step.lines().stream().map(Line::toString).toList());
    }

    /** The last resort asks once: a refused request is said as such, not as if the sidecars had stopped. */
    @Test
    void onceSaysARefusedRequestIsNotRetriedAsALastResort() {
        assertEquals(List.of("WARN Shutdown request POST http://127.0.0.1:15020/quitquitquit was refused (Connection"
                + " refused); not retrying, as after an error of its own proa asks each sidecar only once. Likely cause:"
                + " nothing listens there yet, or any more: the sidecar has not started, has stopped, or listens on"
                + " another port"),
                RequestRetry.once(POST, new RequestRetry.Refused("Connection refused"), RequestRetry.AFTER_AN_ERROR).stream().map(Line::toString)
                        .toList());
        assertEquals(List.of("INFO Shutdown request POST http://127.0.0.1:15020/quitquitquit answered 200 in 12ms"),
                RequestRetry.once(POST, new RequestRetry.Answered(200, "OK", Duration.ofMillis(12), ""), RequestRetry.AFTER_AN_ERROR).stream()
                        .map(Line::toString).toList());
    }

    @Test
    void aRefusedConnectionIsRetriedWithADoublingDelayUpToOneSecondAndSaidOnce() {
        RequestRetry.State state = POST;
        long now = 0;
        List<Long> delays = new java.util.ArrayList<>();
        int said = 0;
        for (int i = 0; i < 6; i++) {
            RequestRetry.Step step = RequestRetry.after(state, new RequestRetry.Refused("Connection refused"), now,
                    30 * S, false);
            assertFalse(step.done());
            said += step.lines().size();
            delays.add((step.retryAt() - now) / MS);
            now = step.retryAt();
            state = step.state();
        }
        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L, 1000L), delays);
        assertEquals(1, said, "the refusal is said once, not on every retry");
    }

    @Test
    void aRetryNeverWaitsPastTheDeadlineAndThenGivesUpSayingWhy() {
        RequestRetry.Step refused = RequestRetry.after(POST, new RequestRetry.Refused("refused"), 0, 50 * MS, false);
        assertEquals(50 * MS, refused.retryAt());

        RequestRetry.Step due = RequestRetry.send(refused.state(), 50 * MS, 50 * MS);
        assertTrue(due.done());
        assertEquals(List.of("WARN Shutdown request POST http://127.0.0.1:15020/quitquitquit gave up: the shutdown"
                + " timeout passed while its connection was refused"), due.lines().stream().map(Line::toString).toList());
    }

    @Test
    void eachAttemptHasAtMostFiveSecondsAndNeverMoreThanIsLeft() {
        assertEquals(Duration.ofSeconds(5), RequestRetry.send(POST, 0, 30 * S).sendTimeout());
        assertEquals(Duration.ofMillis(300), RequestRetry.send(POST, 0, 300 * MS).sendTimeout());
    }
}
