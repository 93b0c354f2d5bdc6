package dev.proa.kube;

import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Keeps credentials out of the log. fabric8's HTTP tracing ({@code --log-level=trace}) writes every request header,
 * the service account's {@code Authorization: Bearer} token among them, and the log goes wherever the cluster ships
 * container logs. Like kubectl at high verbosity, the value is replaced by {@code <masked>}; the scheme stays, as it
 * tells an operator which credential was sent. fabric8 offers no such option, so this is written here.
 */
public final class Credentials {
    private Credentials() {}

    /** A header that carries a credential, its optional scheme, and the credential itself. */
    private static final Pattern HEADER = Pattern.compile(
            "(?i)\\b((?:proxy-)?authorization|cookie|set-cookie)(\\s*[:=]\\s*)(?:(bearer|basic|negotiate|digest)\\s+)?[^\\s,;]+[^\\r\\n]*");

    /** A bare {@code Bearer <token>} anywhere else in a line. */
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+(?!<masked>)[A-Za-z0-9._~+/=-]+");

    /** {@code line} with every credential replaced by {@code <masked>}. */
    public static String mask(String line) {
        if (line == null) return null;
        String masked = HEADER.matcher(line).replaceAll(m -> m.group(1) + m.group(2)
                + (m.group(3) == null ? "" : m.group(3) + " ") + "<masked>");
        return BEARER.matcher(masked).replaceAll("$1 <masked>");
    }

    /** {@code logger}, with every line it writes passed through {@link #mask} first. */
    public static Logger masking(Logger logger) {
        return new Masking(logger);
    }

    private static final class Masking extends AbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient Logger delegate;

        public Masking(Logger delegate) {
            this.delegate = delegate;
            this.name = delegate.getName();
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable throwable) {
            String line = mask(MessageFormatter.basicArrayFormat(pattern, arguments));
            delegate.atLevel(level).setCause(throwable).log(line);
        }

        @Override
        public boolean isTraceEnabled() {
            return delegate.isTraceEnabled();
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return delegate.isTraceEnabled(marker);
        }

        @Override
        public boolean isDebugEnabled() {
            return delegate.isDebugEnabled();
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return delegate.isDebugEnabled(marker);
        }

        @Override
        public boolean isInfoEnabled() {
            return delegate.isInfoEnabled();
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return delegate.isInfoEnabled(marker);
        }

        @Override
        public boolean isWarnEnabled() {
            return delegate.isWarnEnabled();
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return delegate.isWarnEnabled(marker);
        }

        @Override
        public boolean isErrorEnabled() {
            return delegate.isErrorEnabled();
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return delegate.isErrorEnabled(marker);
        }
    }
}
