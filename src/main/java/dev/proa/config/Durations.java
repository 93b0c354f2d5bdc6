package dev.proa.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the DURATION values of the command line: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 1h}, or bare seconds. */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");

    /** No timeout of proa's is longer; it keeps the arithmetic on nanoseconds far from overflowing. */
    private static final Duration LONGEST = Duration.ofDays(365);

    private Durations() {}

    /** @throws IllegalArgumentException naming the bad value and the accepted forms */
    public static Duration parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration; use a whole number with a unit: 250ms, 30s, 5m, 1h, or bare seconds");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration duration = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        if (duration.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("'" + text + "' is longer than a year; proa's timeouts are at most 8760h");
        }
        return duration;
    }

    /**
     * {@code instant + duration} on {@link System#nanoTime()}'s clock, saturating instead of overflowing: a deadline
     * past the clock's range is "never" ({@link Long#MAX_VALUE}). Every deadline proa computes goes through here, since
     * some durations come from the Pod (a grace period is any int64 of seconds) rather than from {@link #parse}.
     */
    public static long plus(long instant, Duration duration) {
        if (duration.compareTo(BEYOND_THE_CLOCK) >= 0) return Long.MAX_VALUE; // from any instant (and Duration's own sum
        if (duration.compareTo(BEFORE_THE_CLOCK) <= 0) return Long.MIN_VALUE; // would overflow near its ends)
        return nanos(Duration.ofNanos(instant).plus(duration));
    }

    /** Longer than the whole range of the nanoTime clock (twice it: see {@link #twice} for why not multipliedBy). */
    private static final Duration BEYOND_THE_CLOCK = twice(Duration.ofNanos(Long.MAX_VALUE));

    /** Its opposite (Duration's {@code negated} is a {@code multipliedBy(-1)}: see {@link #twice}). */
    private static final Duration BEFORE_THE_CLOCK = Duration.ZERO.minus(BEYOND_THE_CLOCK);

    /**
     * {@code duration} doubled, exactly. Duration's own {@code multipliedBy} and {@code dividedBy} compute through
     * BigDecimal (so does {@code negated}), and BigDecimal's class initialization alone took 11 ms of CPU on one core
     * (JDK 25; a profile of the start showed it as 12% of the main thread's time, in this class): proa's arithmetic
     * on durations stays on longs.
     */
    public static Duration twice(Duration duration) {
        return duration.plus(duration);
    }

    /** {@code duration} halved, rounded toward zero as {@code dividedBy(2)} rounds; see {@link #twice} for why. */
    public static Duration half(Duration duration) {
        long seconds = duration.getSeconds(); // floored: the nanoseconds always add
        long nanos = duration.getNano() / 2 + (duration.isNegative() ? duration.getNano() % 2 : 0);
        return Duration.ofSeconds(seconds / 2, seconds % 2 * 500_000_000L + nanos);
    }

    /** {@code to - from} in nanoseconds, saturating instead of overflowing (from a "never" deadline, say). */
    public static long between(long from, long to) {
        long difference = to - from;
        if (((to ^ from) & (to ^ difference)) < 0) return to < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        return difference;
    }

    /** {@code duration} in nanoseconds, saturating at about 292 years either way. */
    public static long nanos(Duration duration) {
        if (duration.compareTo(LONGEST_NANOS) >= 0) return Long.MAX_VALUE;
        if (duration.compareTo(Duration.ofNanos(Long.MIN_VALUE)) <= 0) return Long.MIN_VALUE;
        return duration.toNanos();
    }

    private static final Duration LONGEST_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    /** {@code duration} in milliseconds, saturating: for what is said, which never needs more. */
    private static long millis(Duration duration) {
        return duration.compareTo(LONGEST_MILLIS) >= 0 ? Long.MAX_VALUE : duration.toMillis();
    }

    private static final Duration LONGEST_MILLIS = Duration.ofMillis(Long.MAX_VALUE);

    /** For log lines about time passed: 250ms, 12.3s, 4m05s, 2h10m. */
    public static String human(Duration d) {
        long ms = millis(d);
        if (ms < 1000) return ms + "ms";
        long tenths = Math.round(ms / 100.0);
        if (tenths < 600) return tenths / 10 + "." + tenths % 10 + "s";
        long s = ms / 1000;
        if (s < 3600) return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }

    /** The inverse of {@link #parse}, for log lines: the shortest of the accepted forms that says it exactly. */
    public static String format(Duration d) {
        if (d.toNanosPart() == 0 && d.getSeconds() > 0) { // whole seconds, however many (a grace period's)
            long s = d.getSeconds();
            return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
        }
        long ms = millis(d);
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
