package dev.proa;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * An slf4j logger that keeps each line ("LEVEL message"), so a test can read what proa said. Public for the tests of
 * other packages (kube's, say).
 */
public final class RecordingLogger extends LegacyAbstractLogger {
    public final List<String> lines = new CopyOnWriteArrayList<>();

    public RecordingLogger() {
        this.name = "proa";
    }

    long count(String part) {
        return lines.stream().filter(l -> l.contains(part)).count();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable t) {
        lines.add(level + " " + MessageFormatter.basicArrayFormat(pattern, args));
    }

    @Override
    public boolean isTraceEnabled() {
        return true;
    }

    @Override
    public boolean isDebugEnabled() {
        return true;
    }

    @Override
    public boolean isInfoEnabled() {
        return true;
    }

    @Override
    public boolean isWarnEnabled() {
        return true;
    }

    @Override
    public boolean isErrorEnabled() {
        return true;
    }
}
