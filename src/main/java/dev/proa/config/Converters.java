package dev.proa.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import picocli.CommandLine;

/** How each option's text becomes its value, with the sentence naming a bad one (picocli makes it a usage error). */
final class Converters {
    private Converters() {}

    /**
     * An http:// or https:// URL with a host that could be reached. OkHttp reads it, leniently: it takes
     * {@code http:///x} for host x and encodes a space in the path, so those two are checked as written first.
     */
    static final class Urls implements CommandLine.ITypeConverter<HttpUrl> {
        private static final Pattern AUTHORITY = Pattern.compile("(?i)https?://[^/?#]");
        private static final Pattern SPACE = Pattern.compile("\\s");

        @Override
        public HttpUrl convert(String given) {
            String text = given.trim();
            String value = dev.proa.config.Urls.printable(given); // a usage error is logged too: never with a password
            if (SPACE.matcher(text).find()) {
                throw new CommandLine.TypeConversionException("'" + value + "' has a space in it: give one URL per"
                        + " option, or several separated by commas");
            }
            HttpUrl url = HttpUrl.parse(text);
            if (url == null || !AUTHORITY.matcher(text).lookingAt()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not an http:// or https:// URL with"
                        + " a host (http://HOST[:PORT]/PATH)");
            }
            if (Hosts.canonical(url.host()) == null) {
                throw new CommandLine.TypeConversionException("'" + value + "' has no valid host: '" + url.host()
                        + "' is not a host name or IP address");
            }
            return url;
        }
    }

    /**
     * A shutdown option's value: {@code URL}, or {@code NAME=URL}, which binds the request to sidecar NAME. A URL
     * starts with its scheme, so a value that starts with a container name and {@code =} before {@code http://} or
     * {@code https://} is the bound form, whatever the URL holds.
     */
    static final class Targets implements CommandLine.ITypeConverter<Settings.Target> {
        private static final Pattern BOUND = Pattern.compile("(?i)\\s*([^\\s=/:,?#]+)\\s*=\\s*(https?://.*)",
                Pattern.DOTALL);
        /** A container name, as the API requires it (a DNS-1123 label). */
        private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

        @Override
        public Settings.Target convert(String given) {
            Matcher bound = BOUND.matcher(given);
            if (!bound.matches()) return new Settings.Target(java.util.Optional.empty(), new Urls().convert(given));
            String name = bound.group(1);
            if (!NAME.matcher(name).matches()) {
                throw new CommandLine.TypeConversionException("'" + name + "' in '" + dev.proa.config.Urls.printable(given)
                        + "' is not a container name (lowercase letters, digits and '-'): give NAME=URL with the"
                        + " sidecar's container name, or the URL alone");
            }
            return new Settings.Target(java.util.Optional.of(name), new Urls().convert(bound.group(2)));
        }
    }

    static final class Durations implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return dev.proa.config.Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * One of an enum's values, named in any case, with surrounding white space ignored (a value written in YAML often
     * has some). picocli's own enum conversion does all but the trimming.
     */
    static final class Choice<E extends Enum<E>> implements CommandLine.ITypeConverter<E> {
        private final Class<E> type;

        Choice(Class<E> type) {
            this.type = type;
        }

        @Override
        public E convert(String value) {
            for (E choice : type.getEnumConstants()) {
                if (choice.name().equalsIgnoreCase(value.strip())) return choice;
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", ")));
        }
    }

    /**
     * HOST:PORT, as [::1]:80 for IPv6; the host is checked for its form ({@link Hosts}), not looked up (it may not
     * resolve yet). Hand-written: the JDK reads HOST:PORT only as part of a URI, which takes hosts that are none
     * ({@code a!b}) as a registry-based authority, without a port.
     */
    static final class Tcp implements CommandLine.ITypeConverter<InetSocketAddress> {
        private static final Pattern FORM = Pattern.compile("(\\[[^\\[\\]]*\\]|[^:\\[\\]]+):(\\d{1,5})");

        @Override
        public InetSocketAddress convert(String value) {
            Matcher m = FORM.matcher(value.trim());
            int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
            if (port < 1 || port > 65535) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT (a port from 1 to"
                        + " 65535; [::1]:80 for IPv6)");
            }
            String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
            if ((m.group(1).startsWith("[") != host.contains(":")) || Hosts.canonical(host) == null) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not HOST:PORT: '" + m.group(1)
                        + "' is not a host name or IP address" + (host.contains(":") ? " ([::1]:80 for IPv6)" : ""));
            }
            return InetSocketAddress.createUnresolved(host, port);
        }
    }

    /**
     * One NAME=STATUS of --exit-status: NAME one of proa's remappable statuses, STATUS a whole number from 1 to 255.
     * Hand-written: picocli's map options split at the first '=' too, but would name neither the statuses nor the range.
     */
    static final class Remap implements CommandLine.ITypeConverter<ExitStatuses.Remap> {
        private static final Pattern FORM = Pattern.compile("\\s*([^=\\s]*)\\s*=\\s*(\\S*)\\s*");

        @Override
        public ExitStatuses.Remap convert(String value) {
            Matcher m = FORM.matcher(value);
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not NAME=STATUS (such as"
                        + " sidecars-not-ready=90), NAME one of " + ExitStatus.remappableKeys());
            }
            ExitStatus status = Arrays.stream(ExitStatus.values()).filter(s -> s.key.equalsIgnoreCase(m.group(1)))
                    .findFirst().orElse(null);
            if (status == null || !status.remappable()) {
                throw new CommandLine.TypeConversionException("'" + m.group(1) + "' in '" + value + "' is not one of"
                        + " proa's statuses that can be remapped: " + ExitStatus.remappableKeys()
                        + (status == null ? "" : " (a usage error always exits " + status.code + ")"));
            }
            int code = m.group(2).matches("\\d{1,3}") ? Integer.parseInt(m.group(2)) : -1;
            if (code < ExitStatuses.LOWEST || code > ExitStatuses.HIGHEST) {
                throw new CommandLine.TypeConversionException("'" + m.group(2) + "' in '" + value + "' is not an exit"
                        + " status from " + ExitStatuses.LOWEST + " to " + ExitStatuses.HIGHEST + " (0 would tell"
                        + " Kubernetes that the container succeeded)");
            }
            return new ExitStatuses.Remap(status, code);
        }
    }
}
