package dev.proa;

/**
 * Sets up slf4j-simple before the first logger exists: one line per event on stderr (stdout belongs to COMMAND),
 * with time and level. proa's own lines come from the logger "proa"; the libraries' are kept to warnings unless
 * tracing, and the informer's own retry warnings are left to {@link ApiErrors}, which says them once.
 */
final class Logging {
    private Logging() {}

    static void configure(String level) {
        set("org.slf4j.simpleLogger.logFile", "System.err");
        set("org.slf4j.simpleLogger.defaultLogLevel", level.equals("trace") ? "trace" : "warn");
        set("org.slf4j.simpleLogger.log.proa", level);
        set("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.informers", level.equals("trace") ? "trace" : "off");
        set("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal", level.equals("trace") ? "trace" : "off");
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showLogName", "true");
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
