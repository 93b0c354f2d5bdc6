package dev.proa.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.HttpUrl;

/**
 * The configuration, each phase's part in a small record of its own: built once from the parsed options, never
 * changed afterwards.
 */
public record Settings(Pod pod, Sidecars sidecars, Startup startup, Stop stop, Report report,
        List<String> command, boolean disabled, boolean processGroup, ExitStatuses statuses) {

    /** A value as the options gave it, and the flag or environment variable it came from (for messages). */
    public record Given(String value, String source) {}

    /** proa's own Pod as the options name it; what they leave empty is found otherwise (host name, client config). */
    public record Pod(Optional<Given> name, Optional<Given> namespace) {}

    /**
     * Which containers are the sidecars, and where readiness is read from; {@code mains}: the other main containers
     * (--main), which are not sidecars.
     */
    public record Sidecars(String container, List<String> waitFor, List<String> ignore, List<HttpUrl> waitHttp,
            List<InetSocketAddress> waitTcp, List<String> mains) {
        /**
         * Whether proa watches its Pod through the Kubernetes API: unless the only readiness conditions are
         * --wait-http and --wait-tcp (then it needs no API access, and works outside Kubernetes too).
         */
        public boolean watchesPod() {
            return (waitHttp.isEmpty() && waitTcp.isEmpty()) || !waitFor.isEmpty();
        }
    }

    public record Startup(Optional<Duration> timeout, OnStartupTimeout onTimeout) {}

    /**
     * A shutdown request: its method, GET or POST, and URL; {@code sidecar}: the sidecar it stops, when the option
     * names one ({@code -p NAME=URL}), else empty (an unbound request, which replaces recognition for all).
     */
    public record Request(String method, HttpUrl url, Optional<String> sidecar) {}

    /** A URL option's value: the URL, and the sidecar it is bound to ({@code NAME=URL}), if any. */
    public record Target(Optional<String> sidecar, HttpUrl url) {
        @Override
        public String toString() {
            return sidecar.map(s -> s + "=").orElse("") + Urls.printable(url);
        }
    }

    /**
     * {@code auto}: --shutdown-auto, stop the sidecars proa recognizes when no shutdown option is given;
     * {@code given}: the shutdown options given, as written ({@code --kill=envoy}); {@code alwaysShutdown}:
     * --always-shutdown, stop the sidecars even when the kubelet will restart proa's container; {@code order}:
     * --shutdown-order, the phases in order, each the sidecars named in it (empty: the default order).
     */
    public record Stop(Optional<Duration> timeout, List<Request> requests, List<String> kill, boolean killAll,
            boolean keepSidecarsOnFailure, boolean auto, List<String> given, boolean alwaysShutdown,
            List<List<String>> order) {}

    /** {@code terminationLogGiven}: the path was given explicitly, so it is created if need be. */
    public record Report(boolean events, String terminationLog, boolean terminationLogGiven) {}
}
