package dev.proa.config;

import okhttp3.HttpUrl;

/**
 * A URL's printable form: the one way proa writes a URL into a log line, an Event, the termination message or
 * {@code proa check}'s report. A password in its user info ({@code http://user:pw@host/}) is replaced by
 * {@value #HIDDEN}, as Go's {@code url.URL.Redacted} does; the user name, which identifies without granting, stays.
 */
public final class Urls {
    /** What stands for a password. */
    public static final String HIDDEN = "xxxxx";

    private Urls() {}

    public static String printable(HttpUrl url) {
        return url.password().isEmpty() ? url.toString() : url.newBuilder().password(HIDDEN).build().toString();
    }

    /** The same for a URL as text: unchanged when it has no password (or is not a URL at all). */
    public static String printable(String url) {
        if (url == null) return null;
        HttpUrl parsed = HttpUrl.parse(url);
        if (parsed != null) return parsed.password().isEmpty() ? url : printable(parsed);
        return hideUserInfoPassword(url);
    }

    /**
     * For what OkHttp does not read (a scheme other than http and https): the text between the user name's ':' and
     * the authority's last '@'. Written here as the JDK's URI rejects many such texts outright.
     */
    private static String hideUserInfoPassword(String url) {
        int start = url.indexOf("://");
        if (start < 0) return url;
        start += 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) end++;
        int at = url.lastIndexOf('@', end - 1);
        int colon = url.indexOf(':', start);
        if (at < start || colon < 0 || colon > at) return url;
        return url.substring(0, colon + 1) + HIDDEN + url.substring(at);
    }
}
