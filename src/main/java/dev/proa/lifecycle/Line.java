package dev.proa.lifecycle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A log line that a step function decided on: its level, its sentence, and the fields that JSON logs add (a null value
 * is left out). The step functions only return lines; the event loop writes them.
 */
public record Line(Level level, String text, Map<String, Object> fields) {
    public enum Level { ERROR, WARN, INFO, DEBUG }

    public static Line error(String text, Object... fields) {
        return new Line(Level.ERROR, text, fields(fields));
    }

    public static Line warn(String text, Object... fields) {
        return new Line(Level.WARN, text, fields(fields));
    }

    public static Line info(String text, Object... fields) {
        return new Line(Level.INFO, text, fields(fields));
    }

    public static Line debug(String text, Object... fields) {
        return new Line(Level.DEBUG, text, fields(fields));
    }

    private static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(fields);
    }

    @Override
    public String toString() {
        return level + " " + text;
    }
}
