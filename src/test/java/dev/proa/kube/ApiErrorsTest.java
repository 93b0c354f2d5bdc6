package dev.proa.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Failures in an operator's words, from the exceptions the JDK, OkHttp, Jackson and fabric8 really throw: what only the
 * connection can tell is said with the address, and no line shows a Java class name or a parser's text.
 */
class ApiErrorsTest {
    /** What the default log level must never show: an exception's class name, a package-qualified name. */
    private static final Pattern INTERNALS = Pattern.compile(
            "\\b\\w+(Exception|Error|Throwable)\\b|\\b(java|javax|sun|jdk|io\\.fabric8|com\\.fasterxml|okhttp3)\\.[a-z]");

    @TempDir Path dir;

    /** The client as Cluster builds it: ApiAnswers reads every answer first, and no redirect is followed. */
    private static final OkHttpClient CLIENT = new OkHttpClient.Builder().followRedirects(false).followSslRedirects(false)
            .retryOnConnectionFailure(false).addInterceptor(new ApiAnswers(LoggerFactory.getLogger("test"))).build();

    private static IOException failure(String url) {
        return assertThrows(IOException.class, () -> CLIENT.newCall(new Request.Builder().url(url).build()).execute().close());
    }

    /** The failure as the informer hands it over: fabric8's exception, the request's failure its cause. */
    private static String described(Throwable cause) {
        String said = ApiErrors.describe(new KubernetesClientException("An error has occurred.", cause));
        assertFalse(INTERNALS.matcher(said).find(), "Java's internals in: " + said);
        return said;
    }

    @Test
    void aRefusedConnectionNamesTheAddress() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertEquals("https://127.0.0.1:" + port + " refuses connections: nothing listens there (or a firewall rejects"
                + " them). Check KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (or the kubeconfig's server)",
                described(failure("https://127.0.0.1:" + port + "/api/v1/namespaces/jobs/pods")));
    }

    /** A plain HTTP server (Go's, say) answers the TLS handshake's first bytes as a malformed request: 400. */
    @Test
    void aPortThatAnswersPlainHttpToTheHandshakeIsSaidSoNotBlamedOnACertificate() throws Exception {
        try (ServerSocket plain = new ServerSocket(0)) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = plain.accept()) {
                    socket.getInputStream().read(new byte[512]);
                    socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test's own assertion says what went wrong
                }
            });
            String said = described(failure("https://127.0.0.1:" + plain.getLocalPort() + "/api/v1/namespaces/jobs/pods"));
            assertTrue(said.startsWith("https://127.0.0.1:" + plain.getLocalPort() + " answered plain HTTP to proa's TLS"
                    + " handshake"), said);
            assertFalse(said.contains("certificate"), said);
        }
    }

    @Test
    void aRedirectIsNotFollowedButNamedWithWhereItPointed() throws Exception {
        try (MockWebServer api = new MockWebServer(); MockWebServer elsewhere = new MockWebServer()) {
            api.start();
            elsewhere.start();
            for (int code : List.of(302, 307)) {
                api.enqueue(new MockResponse.Builder().code(code).setHeader("Location", elsewhere.url("/login?next=x"))
                        .build());
                String said = described(failure(api.url("/api/v1/namespaces/jobs/pods").toString()));
                assertTrue(said.contains("answered " + code + " with no content type (a redirect to "
                        + elsewhere.url("/login") + ", not followed), which does not look like the Kubernetes API"), said);
            }
            assertEquals(0, elsewhere.getRequestCount(), "never followed");
        }
    }

    @Test
    void aSuccessfulAnswerThatIsNoKubernetesObjectIsNotTheApi() throws Exception {
        try (MockWebServer api = new MockWebServer()) {
            api.start();
            for (String body : List.of("garbage{", "[]", "{}", "")) {
                api.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body)
                        .build());
                String said = described(failure(api.url("/api/v1/namespaces/jobs/pods").toString()));
                assertTrue(said.contains("answered 200 with application/json, but its body is"), said);
                assertTrue(said.contains("which does not look like the Kubernetes API"), said);
            }
        }
    }

    @Test
    void aParserFailureIsSaidWithoutTheParsersText() {
        IOException garbage = assertThrows(IOException.class, () -> new ObjectMapper().readTree("{\"kind\": nope"));
        String said = described(garbage);
        assertTrue(said.startsWith("an answer from the API server could not be read as JSON (line 1, column"), said);
    }

    @Test
    void filesAreNamedWithWhatIsWrong() throws Exception {
        Path missing = dir.resolve("ca.crt");
        assertEquals("the file " + missing + " does not exist",
                ApiErrors.reason(assertThrows(IOException.class, () -> Files.readString(missing))));
        Path latin1 = Files.write(dir.resolve("config"), new byte[] {'a', (byte) 0xff, 'b'});
        assertEquals("it is not UTF-8 text", ApiErrors.reason(assertThrows(IOException.class, () -> Files.readString(latin1))));
    }

    @Test
    void aDefectsMessageIsLeftToDebug() {
        String nothing = null;
        RuntimeException npe = assertThrows(NullPointerException.class, () -> nothing.length());
        assertEquals("an unexpected failure (--log-level=debug shows it in full)", described(npe));
        assertEquals("an unexpected failure (--log-level=debug shows it in full)",
                described(new IllegalArgumentException("Invalid URL port: \"99999\"")));
    }
}
