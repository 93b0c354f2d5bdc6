package dev.proa.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.proa.TestPods;
import dev.proa.sidecars.PodView;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The stop's one deadline: resolved once, from --shutdown-timeout, else the Pod's grace period, else 30 s. */
class DeadlineTest {
    private static final long S = 1_000_000_000L;

    private static PodView withGrace(Long grace) {
        Pod pod = TestPods.pod("job", List.of("proxy"), List.of());
        pod.getSpec().setTerminationGracePeriodSeconds(grace);
        return new PodView(pod, false, null, false);
    }

    @ParameterizedTest(name = "given {0}, grace period {1}: {2} s, the mains waited for until {3} s")
    @CsvSource(nullValues = "-", textBlock = """
            -,    -,   30,  25
            -,    90,  90,  85
            -,    0,   30,  25
            600,  90,  600, 595
            2,    90,  2,   1
            0,    -,   1,   0.5
            """)
    void resolvesTheTimeoutAndLeavesTheShutdownItsTime(Long given, Long grace, long seconds, double mainsUntil) {
        Deadline deadline = Deadline.of(Optional.ofNullable(given).map(Duration::ofSeconds), withGrace(grace), 10 * S);

        assertEquals(Duration.ofSeconds(seconds), deadline.timeout());
        assertEquals(10 * S + seconds * S, deadline.at());
        assertEquals(10 * S + (long) (mainsUntil * S), deadline.forMains());
    }

    @ParameterizedTest
    @CsvSource({"9223372036854775807", "31536000"})
    void aGracePeriodPastAnyClockIsNever(long grace) {
        Deadline deadline = Deadline.of(Optional.empty(), withGrace(grace), Long.MAX_VALUE / 2);

        assertEquals(grace > 1_000_000_000L ? Long.MAX_VALUE : Long.MAX_VALUE / 2 + grace * S, deadline.at());
        if (grace > 1_000_000_000L) assertEquals(Long.MAX_VALUE, deadline.forMains());
    }
}
