package dev.proa;

import dev.proa.probe.HttpClients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The sidecars' endpoints get a plain-HTTP-only client unless their URL is https://. */
class HttpClientsTest {
    @Test
    void aPlainUrlGetsAClientThatSpeaksOnlyPlainHttpAndWorks() throws Exception {
        HttpClients clients = new HttpClients();
        try (MockWebServer sidecar = new MockWebServer()) {
            sidecar.enqueue(new MockResponse.Builder().code(204).build());
            sidecar.start();
            OkHttpClient client = clients.apply(sidecar.url("/ready"));
            assertEquals(List.of(ConnectionSpec.CLEARTEXT), client.connectionSpecs());
            try (Response response = client.newCall(new Request.Builder().url(sidecar.url("/ready")).build()).execute()) {
                assertEquals(204, response.code());
            }
            assertSame(client, clients.apply(HttpUrl.get("http://127.0.0.1:15020/quitquitquit")), "one client, reused");
        }
    }

    @Test
    void anHttpsUrlGetsAClientThatSpeaksTls() {
        HttpClients clients = new HttpClients();
        OkHttpClient tls = clients.apply(HttpUrl.get("https://127.0.0.1:9091/quitquitquit"));
        assertTrue(tls.connectionSpecs().stream().anyMatch(ConnectionSpec::isTls), tls.connectionSpecs().toString());
        assertNotSame(tls, clients.apply(HttpUrl.get("http://127.0.0.1:9091/quitquitquit")));
        assertSame(tls, clients.apply(HttpUrl.get("https://localhost:8443/")));
    }
}
