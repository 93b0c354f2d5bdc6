package dev.proa.report;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider behind {@code --log-format=json}: every logger is a {@link JsonLogger}, which writes one JSON
 * object per line on stderr.
 *
 * <p>It is chosen only by the system property {@code slf4j.provider=dev.proa.JsonLogProvider}, set before the first
 * {@code LoggerFactory} call; it is deliberately not listed in {@code META-INF/services}, so that slf4j-simple stays
 * the provider otherwise (and, named explicitly, it is the only one SLF4J loads: no "multiple providers" warning).
 * SLF4J instantiates it by name, hence public with a public no-argument constructor.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
    private ILoggerFactory loggerFactory;
    private IMarkerFactory markerFactory;
    private MDCAdapter mdcAdapter;

    @Override
    public void initialize() {
        loggerFactory = new Loggers();
        markerFactory = new BasicMarkerFactory();
        // What slf4j-simple uses too: MDC calls work, but (as with slf4j-simple) the values are not written.
        mdcAdapter = new BasicMDCAdapter();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggerFactory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markerFactory;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdcAdapter;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    /** One logger per name, like slf4j-simple: its level is read from the system properties when it is created. */
    private static final class Loggers implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            Logger logger = loggers.get(name);
            if (logger != null) return logger;
            Logger created = new JsonLogger(name);
            logger = loggers.putIfAbsent(name, created);
            return logger != null ? logger : created;
        }
    }
}
