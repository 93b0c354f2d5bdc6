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

    /** For log lines about time passed: 250ms, 12.3s, 4m05s, 2h10m. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) return ms + "ms";
        long tenths = Math.round(ms / 100.0);
        if (tenths < 600) return tenths / 10 + "." + tenths % 10 + "s";
        long s = ms / 1000;
        if (s < 3600) return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }

    /** The inverse of {@link #parse}, for log lines: the shortest of the accepted forms that says it exactly. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0 && ms > 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }
}
