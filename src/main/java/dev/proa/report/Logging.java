package dev.proa.report;

import dev.proa.config.LogFormat;
import dev.proa.config.LogLevel;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Sets up slf4j-simple before the first logger exists: one line per event on stderr (stdout belongs to COMMAND),
 * with time and level. proa's own lines come from the logger "proa"; the libraries' are kept to warnings unless
 * tracing, and the informer's own retry warnings are left to {@link ApiErrors}, which says them once.
 */
public final class Logging {
    private Logging() {}

    /** Whether lines are JSON objects ({@code --log-format=json}), whose fields {@link #with} adds. */
    private static boolean json;

    public static void configure(LogLevel logLevel, LogFormat format) {
        String level = logLevel.toString();
        json = format == LogFormat.JSON;
        if (json) {
            set("slf4j.provider", JsonLogProvider.class.getName()); // JsonLogger, fed by the same properties below
            set("slf4j.internal.verbosity", "WARN"); // SLF4J's own note that it uses the provider named here
        }
        set("org.slf4j.simpleLogger.logFile", "System.err");
        set("org.slf4j.simpleLogger.defaultLogLevel", level.equals("trace") ? "trace" : "warn");
        set("org.slf4j.simpleLogger.log.proa", level);
        set("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.informers", level.equals("trace") ? "trace" : "off");
        set("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal", level.equals("trace") ? "trace" : "off");
        // fabric8's configuration warns "Error reading service account token ... Ignoring." and goes on without a
        // token; proa checks the token file itself first, and says what is wrong with it (kube.Setup).
        set("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.Config",
                level.equals("trace") || level.equals("debug") ? level : "error");
        set("org.slf4j.simpleLogger.showDateTime", "true");
        set("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        set("org.slf4j.simpleLogger.showThreadName", "false");
        set("org.slf4j.simpleLogger.showLogName", "true");
    }

    /**
     * Adds fields (key, value, key, value...) to a log line in JSON logs; in text logs the sentence already says them,
     * and slf4j-simple would print them again in front of it.
     */
    public static LoggingEventBuilder with(LoggingEventBuilder line, Object... fields) {
        if (json) {
            for (int i = 0; i + 1 < fields.length; i += 2) line = line.addKeyValue((String) fields[i], fields[i + 1]);
        }
        return line;
    }

    /**
     * An unexpected error (a defect of proa's) for a log line at the default level: its message on one line, without
     * its class or stack, which the caller logs at debug.
     */
    public static String sentence(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip().replaceAll("\\s+", " ");
        return message.isEmpty() ? "no details" : message;
    }

    private static void set(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
