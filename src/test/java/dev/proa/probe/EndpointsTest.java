package dev.proa.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What one knock's answer means: at the startup a 2xx (or an accepted connection), at the shutdown any answer. */
class EndpointsTest {
    @ParameterizedTest(name = "status {0}: ready {1}, alive {2}")
    @CsvSource({"0, true, true", "200, true, true", "204, true, true", "299, true, true", "301, false, true",
        "404, false, true", "503, false, true", "-1, false, false"})
    void anAnswerAnswersAsAsked(int status, boolean ready, boolean alive) {
        Endpoints.Answer answer = status < 0 ? new Endpoints.Silent("Connection refused") : new Endpoints.Answered(status);
        assertEquals(ready, answer.answers(false));
        assertEquals(alive, answer.answers(true));
    }
}
