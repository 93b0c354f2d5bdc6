package dev.proa.probe;

import java.util.List;
import java.util.function.Function;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The HTTP clients for the sidecars' endpoints (the probes and the shutdown requests), each built on first use: by the
 * first probe, or while COMMAND runs (see {@code EventLoop}); before COMMAND, the startup's CPU goes to the Pod's
 * listing. Two of them, because those endpoints are nearly always plain HTTP on localhost: a client that speaks only
 * that never loads the JDK's trusted certificates, which OkHttp's default client does as it is built (about 90 ms of
 * CPU, cold, in every run that probes an endpoint or asks a sidecar to stop). The client for {@code https://} URLs is built only if one is asked for. Neither follows
 * redirects (the probes and the requests turn that off), so a plain URL never leads to an {@code https://} one.
 */
public final class HttpClients implements Function<HttpUrl, OkHttpClient> {
    private OkHttpClient plain;
    private OkHttpClient tls;

    @Override
    public synchronized OkHttpClient apply(HttpUrl url) {
        if (url.isHttps()) {
            if (tls == null) tls = new OkHttpClient();
            return tls;
        }
        if (plain == null) plain = new OkHttpClient.Builder().connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).build();
        return plain;
    }
}
