package dev.proa;

import dev.proa.config.Durations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;

class DurationsTest {

    @ParameterizedTest(name = "\"{0}\" is {1} ms")
    @CsvSource(ignoreLeadingAndTrailingWhitespace = false, value = {
        "250ms,     250",
        "0ms,       0",
        "30s,       30000",
        "5m,        300000",
        "1h,        3600000",
        "45,        45000",
        "0,         0",
        "999999999ms, 999999999",
        "8760h, 31536000000",
        "' 30s',    30000",
        "'30s ',    30000",
        "'\t5m\n',  300000",
    })
    void parsesEachForm(String text, String millis) {
        assertEquals(Duration.ofMillis(Long.parseLong(millis.trim())), Durations.parse(text));
    }

    @ParameterizedTest(name = "\"{0}\" is rejected")
    @CsvSource(ignoreLeadingAndTrailingWhitespace = false, value = {
        "5x", "''", "'   '", "-1s", "+1s", "1.5s", "s", "ms", "1 h", "1H", "1d", "5m30s", "1e3", "1234567890", "PT5S",
    })
    void rejectsAndNamesTheValue(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "'"), () -> "message should quote the value: " + e.getMessage());
        assertTrue(e.getMessage().contains("250ms, 30s, 5m, 1h"), () -> "message should show the forms: " + e.getMessage());
    }

    @ParameterizedTest(name = "\"{0}\" is too long")
    @CsvSource({"8761h", "999999999h", "525601m"})
    void rejectsMoreThanAYearAndNamesTheValue(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'" + text + "' is longer than a year"), e.getMessage());
    }

    @ParameterizedTest
    @NullSource
    void rejectsNull(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
        assertTrue(e.getMessage().contains("'null'"), e.getMessage());
    }

    @ParameterizedTest(name = "{0} ms formats as {1}")
    @CsvSource({
        "0,        0s",
        "1,        1ms",
        "250,      250ms",
        "1500,     1500ms",
        "1000,     1s",
        "30000,    30s",
        "90000,    90s",
        "60000,    1m",
        "300000,   5m",
        "5400000,  90m",
        "3600000,  1h",
        "7200000,  2h",
    })
    void formatsAsTheShortestExactForm(long millis, String expected) {
        assertEquals(expected, Durations.format(Duration.ofMillis(millis)));
    }

    @ParameterizedTest(name = "format({0}) parses back")
    @CsvSource({"250ms", "30s", "90s", "5m", "90m", "1h", "36h"})
    void formatIsTheInverseOfParse(String text) {
        Duration d = Durations.parse(text);
        assertEquals(d, Durations.parse(Durations.format(d)));
    }

    @ParameterizedTest(name = "{0} ms reads as {1}")
    @CsvSource({
        "0,         0ms",
        "250,       250ms",
        "999,       999ms",
        "1000,      1.0s",
        "12300,     12.3s",
        "12345,     12.3s",
        "59900,     59.9s",
        "60000,     1m00s",
        "245000,    4m05s",
        "3599000,   59m59s",
        "3600000,   1h00m",
        "7800000,   2h10m",
        "90061000,  25h01m",
    })
    void human(long millis, String expected) {
        assertEquals(expected, Durations.human(Duration.ofMillis(millis)));
    }

    @Test
    void humanIgnoresSubMillisecondParts() {
        assertEquals("1ms", Durations.human(Duration.ofNanos(1_999_999)));
    }

    /** The same as Duration's multipliedBy(2) and dividedBy(2), which go through BigDecimal, for any duration. */
    @ParameterizedTest(name = "{0}s {1}ns")
    @CsvSource({
        "0, 0", "0, 1", "1, 0", "1, 999999999", "3, 1", "3, 3", "-1, 0", "-1, 1", "-2, 500000000", "-3, 999999999",
        "9223372036, 854775807", "1000000000000, 7", "-1000000000000, 7", "4611686018427387903, 999999999",
        "-4611686018427387904, 0",
    })
    void twiceAndHalfAreDurationsOwn(long seconds, long nanos) {
        Duration duration = Duration.ofSeconds(seconds, nanos);
        assertEquals(duration.multipliedBy(2), Durations.twice(duration));
        assertEquals(duration.dividedBy(2), Durations.half(duration));
    }

    private static final long MAX = Long.MAX_VALUE;
    private static final long MIN = Long.MIN_VALUE;

    /** A grace period is any int64 of seconds: deadlines past the nanoTime clock's range are "never", not an overflow. */
    @ParameterizedTest(name = "{0} + {1}s {2}ns = {3}")
    @CsvSource({
        "0,                    30,                    0,   30000000000",
        "-5000000000,          1,                     0,   -4000000000",
        "1000,                 0,                     0,   1000",
        "0,                    99999999999,           0,   " + MAX,
        "9223372036854775000,  1,                     0,   " + MAX,
        "-9223372036854775000, 99999999999,           0,   " + MAX + "",
        "" + MAX + ",          0,                     1,   " + MAX,
        "0,                    9223372036854775807,   0,   " + MAX,
        "100,                  9223372036,            854775707, " + MAX,
        "100,                  9223372036,            854775706, " + (MAX - 1),
        "-9223372036854775000, -1,                    0,   " + MIN,
    })
    void plusSaturatesInsteadOfOverflowing(long instant, long seconds, long nanos, long expected) {
        assertEquals(expected, Durations.plus(instant, Duration.ofSeconds(seconds, nanos)));
    }

    @ParameterizedTest(name = "from {0} to {1} is {2}ns")
    @CsvSource({
        "0,                    30,                    30",
        "30,                   0,                     -30",
        "-100,                 " + MAX + ",           " + MAX,
        "" + MIN + ",          0,                     " + MAX,
        "" + MIN + ",          " + MAX + ",           " + MAX,
        "" + MAX + ",          " + MIN + ",           " + MIN,
        "1,                    " + MIN + ",           " + MIN,
        "-9223372036854775000, 9223372036854775000,   " + MAX,
    })
    void betweenSaturatesInsteadOfOverflowing(long from, long to, long expected) {
        assertEquals(expected, Durations.between(from, to));
    }

    @ParameterizedTest(name = "{0}s is said as {1} and {2}")
    @CsvSource({
        "99999999999,          99999999999s, 27777777h46m",
        "9223372036854775807,  9223372036854775807s, 2562047788015h12m",
        "360000000000,         100000000h, 100000000h00m",
    })
    void hugeDurationsAreSaidWithoutOverflowing(long seconds, String formatted, String human) {
        assertEquals(formatted, Durations.format(Duration.ofSeconds(seconds)));
        assertEquals(human, Durations.human(Duration.ofSeconds(seconds)));
    }
}
