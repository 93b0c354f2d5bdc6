package dev.proa.config;

/** How much proa logs: {@code --log-level}. */
public enum LogLevel {
    ERROR, WARN, INFO, DEBUG, TRACE;

    /** As slf4j-simple's properties and the command line name it. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
