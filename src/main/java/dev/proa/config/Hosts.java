package dev.proa.config;

import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * Whether a host in an option (a URL's, or --wait-tcp's) is one proa could ever reach: an IP literal or a DNS name. A
 * malformed one ({@code a b}, {@code [::1}, {@code a!b}, {@code 999.1.1.1}) is never reachable, and would be waited
 * on forever. OkHttp canonicalizes and rejects the worst (spaces, brackets, empty labels) but accepts any other
 * character, and the JDK checks a name only by resolving it, which may not work yet at proa's start; so the last step,
 * the name's letters, is written here.
 */
final class Hosts {
    /** RFC 1123 labels (letters, digits, hyphens inside), and the underscore that /etc/hosts and DNS names use. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private Hosts() {}

    /** The host canonicalized as OkHttp does (IPv6 without brackets, lower case, IDN as ASCII), or null when malformed. */
    static String canonical(String host) {
        String canonical;
        try {
            canonical = new HttpUrl.Builder().scheme("http").host(host).build().host();
        } catch (IllegalArgumentException e) {
            return null;
        }
        return canonical.contains(":") || name(canonical) ? canonical : null; // ':' only in an IPv6 literal OkHttp read
    }

    /** A DNS name, or a dotted-quad IPv4 address (a name's last label is never all digits). */
    private static boolean name(String host) {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (name.isEmpty() || name.length() > 253) return false;
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) return false;
        }
        if (!DIGITS.matcher(labels[labels.length - 1]).matches()) return true;
        if (labels.length != 4) return false;
        for (String label : labels) {
            if (!DIGITS.matcher(label).matches() || label.length() > 3 || Integer.parseInt(label) > 255) return false;
        }
        return true;
    }
}
