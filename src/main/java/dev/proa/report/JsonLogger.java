package dev.proa.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NormalizedParameters;
import org.slf4j.spi.LoggingEventAware;

/**
 * A logger that writes each event as one JSON object on one line of stderr:
 * {@code {"time":"…Z","level":"INFO","logger":"proa","message":"…","pod":"…","error":"…","stack":"…"}}.
 *
 * <p>Levels come from the same system properties that configure slf4j-simple (see {@link Logging}), so switching the
 * format changes nothing else: {@code org.slf4j.simpleLogger.log.<name>} for the logger's name or its longest dotted
 * prefix, else {@code info} for proa's own logger "proa" and {@code org.slf4j.simpleLogger.defaultLogLevel} (default
 * {@code warn}) for the libraries'.
 *
 * <p>It is {@link LoggingEventAware} so that the fluent API's key-value pairs reach it as pairs: otherwise SLF4J
 * would fold them into the message text as {@code key=value}.
 */
public final class JsonLogger extends LegacyAbstractLogger implements LoggingEventAware {
    private static final long serialVersionUID = 1L;

    public static final String LEVEL_PROPERTY_PREFIX = "org.slf4j.simpleLogger.log.";
    public static final String DEFAULT_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final int OFF = Integer.MAX_VALUE;

    // Thread-safe and costly to build: one for the JVM. Its generators write UTF-8, what log collectors expect.
    private static final JsonFactory JSON = new JsonFactory();
    // Always three fraction digits: Instant.toString() drops them on a whole second, which sorts and parses worse.
    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().appendInstant(3).toFormatter(Locale.ROOT);
    // Shared by all loggers, so that lines of different threads never interleave.
    private static final Object LOCK = new Object();

    private final int threshold;

    public JsonLogger(String name) {
        this(name, System.getProperties());
    }

    /** For tests: levels from {@code config} rather than from the system properties. */
    public JsonLogger(String name, Properties config) {
        this.name = name;
        this.threshold = threshold(name, config);
    }

    /** The lowest {@link Level#toInt()} this logger writes; {@code off} is above every level. */
    private static int threshold(String name, Properties config) {
        String level = null;
        for (String prefix = name; level == null; ) {
            level = config.getProperty(LEVEL_PROPERTY_PREFIX + prefix);
            int dot = prefix.lastIndexOf('.');
            if (dot < 0) break;
            prefix = prefix.substring(0, dot);
        }
        if (level == null) level = name.equals("proa") ? "info" : config.getProperty(DEFAULT_LEVEL_PROPERTY, "warn");
        // As slf4j-simple reads them: any case, and an unknown value means info.
        return switch (level.trim().toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE.toInt();
            case "debug" -> Level.DEBUG.toInt();
            case "warn" -> Level.WARN.toInt();
            case "error" -> Level.ERROR.toInt();
            case "off" -> OFF;
            default -> Level.INFO.toInt();
        };
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold;
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null; // no caller location is written
    }

    /** The classic API ({@code log.info("…{}", x)}): AbstractLogger has checked the level and split off the throwable. */
    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        write(System.currentTimeMillis(), level, MessageFormatter.basicArrayFormat(pattern, args), t, null);
    }

    /** The fluent API ({@code log.atInfo().addKeyValue(…).log(…)}), and any event handed over whole. */
    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) return;
        // A trailing Throwable argument is the cause, as in the classic API.
        NormalizedParameters p = NormalizedParameters.normalize(event);
        long time = event.getTimeStamp() != 0 ? event.getTimeStamp() : System.currentTimeMillis();
        write(time, event.getLevel(), MessageFormatter.basicArrayFormat(p.getMessage(), p.getArguments()),
                p.getThrowable(), event.getKeyValuePairs());
    }

    private void write(long time, Level level, String message, Throwable t, List<KeyValuePair> fields) {
        // The whole line is built first, so that it reaches stderr in one write.
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringField("time", TIME.format(Instant.ofEpochMilli(time)));
            json.writeStringField("level", level.toString());
            json.writeStringField("logger", name);
            json.writeStringField("message", message);
            if (fields != null) {
                for (KeyValuePair field : fields) {
                    json.writeFieldName(String.valueOf(field.key));
                    writeValue(json, field.value);
                }
            }
            if (t != null) {
                json.writeStringField("error", t.toString());
                json.writeStringField("stack", stackTrace(t));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: the generator writes to memory
        }
        line.write('\n');
        byte[] bytes = line.toByteArray();
        synchronized (LOCK) {
            // The System.err of the moment, not one cached at startup: tests and redirections replace it.
            PrintStream err = System.err;
            err.write(bytes, 0, bytes.length);
            err.flush();
        }
    }

    /** Numbers and booleans keep their JSON type, so that queries can compare them; anything else is its text. */
    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        if (value == null) json.writeNull();
        else if (value instanceof Boolean b) json.writeBoolean(b);
        else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof AtomicInteger || value instanceof AtomicLong) json.writeNumber(((Number) value).longValue());
        else if (value instanceof Double d) json.writeNumber(d); // NaN and infinities become strings: valid JSON
        else if (value instanceof Float f) json.writeNumber(f); // as a float: 0.1f stays 0.1
        else if (value instanceof BigInteger i) json.writeNumber(i);
        else if (value instanceof BigDecimal d) json.writeNumber(d);
        else json.writeString(text(value));
    }

    /** A broken toString() must not lose the line: the marker is slf4j's own for this case. */
    private static String text(Object value) {
        try {
            return String.valueOf(value);
        } catch (RuntimeException e) {
            return "[FAILED toString()]";
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter stack = new StringWriter();
        t.printStackTrace(new PrintWriter(stack));
        return stack.toString().stripTrailing();
    }
}
