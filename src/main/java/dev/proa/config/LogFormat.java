package dev.proa.config;

/** How proa's log lines look: {@code --log-format}. */
public enum LogFormat {
    /** One line of text per event. */
    TEXT,
    /** One JSON object per line, with fields. */
    JSON;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
