package dev.proa.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/** What an answer's status and headers say before fabric8 reads its body. */
class ApiAnswersTest {
    private static final Instant NOW = Instant.parse("2026-11-21T08:16:05Z");

    @Test
    void theApiServersOwnContentTypesLookLikeIt() {
        assertTrue(ApiAnswers.looksLikeTheApi(200, "application/json"));
        assertTrue(ApiAnswers.looksLikeTheApi(200, "application/json;stream=watch"));
        assertTrue(ApiAnswers.looksLikeTheApi(200, "application/vnd.kubernetes.protobuf"));
        assertTrue(ApiAnswers.looksLikeTheApi(429, "text/plain; charset=utf-8")); // API Priority and Fairness
        assertTrue(ApiAnswers.looksLikeTheApi(101, null)); // a watch's upgrade to a WebSocket
        assertTrue(ApiAnswers.looksLikeTheApi(403, "Application/JSON"));
    }

    @Test
    void htmlAndRedirectsDoNot() {
        assertFalse(ApiAnswers.looksLikeTheApi(200, "text/html; charset=utf-8"));
        assertFalse(ApiAnswers.looksLikeTheApi(502, "text/html"));
        assertFalse(ApiAnswers.looksLikeTheApi(302, null)); // to a login page
    }

    @Test
    void theMessageNamesTheAddressTheAnswerAndWhatToCheck() {
        String message = ApiAnswers.notTheApi(HttpUrl.get("https://10.96.0.1/api/v1/namespaces/jobs/pods?fieldSelector=x"),
                200, "text/html");
        assertEquals("https://10.96.0.1:443/api/v1/namespaces/jobs/pods answered 200 with text/html, which does not"
                + " look like the Kubernetes API (it answers JSON). Check KUBERNETES_SERVICE_HOST and"
                + " KUBERNETES_SERVICE_PORT (or the kubeconfig's server), and whether a proxy (HTTPS_PROXY, NO_PROXY)"
                + " answers in the API server's place", message);
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertEquals(Optional.of(Duration.ofSeconds(2)), ApiAnswers.retryAfter("2", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(1)), ApiAnswers.retryAfter(" 1 ", NOW));
        assertEquals(Optional.of(Duration.ofSeconds(30)), ApiAnswers.retryAfter("Sat, 21 Nov 2026 08:16:35 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), ApiAnswers.retryAfter("Sat, 21 Nov 2026 08:00:00 GMT", NOW));
        assertEquals(Optional.of(Duration.ZERO), ApiAnswers.retryAfter("-3", NOW));
        assertEquals(Optional.empty(), ApiAnswers.retryAfter(null, NOW));
        assertEquals(Optional.empty(), ApiAnswers.retryAfter("soon", NOW));
    }

    @Test
    void aSuccessfulAnswerIsAKubernetesObject() {
        assertEquals(Optional.empty(), ApiAnswers.bodyProblem(bytes(
                "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[{}]}")));
        assertEquals(Optional.empty(), ApiAnswers.bodyProblem(bytes(" {\"apiVersion\":\"v1\",\"kind\":\"Pod\"}\n")));
    }

    @Test
    void aSuccessfulAnswerThatIsNoKubernetesObjectIsNamed() {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("", "its body is empty");
        bodies.put(" \n", "its body is empty");
        bodies.put("[]", "its body is a JSON array, not an object");
        bodies.put("42", "its body is a JSON value, not an object");
        bodies.put("{}", "its body is a JSON object without the kind and apiVersion every Kubernetes object has");
        bodies.put("{\"kind\":\"PodList\"}", "without the kind and apiVersion");
        bodies.put("{\"kind\":\"\",\"apiVersion\":\"v1\"}", "without the kind and apiVersion");
        bodies.put("{\"kind\":{\"a\":1},\"apiVersion\":\"v1\"}", "without the kind and apiVersion");
        bodies.put("garbage", "its body is not JSON");
        bodies.put("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",", "its body is not JSON");
        bodies.put("{\"kind\":\"PodList\",\"apiVersion\":\"v1\"} trailing", "its body");
        bodies.put("<html><body>Welcome</body></html>", "its body is not JSON");
        bodies.forEach((body, why) -> assertTrue(ApiAnswers.bodyProblem(bytes(body)).orElse("(none)").contains(why),
                body + ": " + ApiAnswers.bodyProblem(bytes(body))));
    }

    @Test
    void aRedirectIsNamedWithWhereItPointedWithoutItsQuery() {
        String message = ApiAnswers.notTheApi(HttpUrl.get("https://10.96.0.1/api/v1/namespaces/jobs/pods"), 302, null,
                ApiAnswers.redirect("https://login.example.com/sso?session=secret#x"));
        assertTrue(message.startsWith("https://10.96.0.1:443/api/v1/namespaces/jobs/pods answered 302 with no content"
                + " type (a redirect to https://login.example.com/sso, not followed), which does not look like the"
                + " Kubernetes API"), message);
        assertFalse(message.contains("secret"), message);
        assertEquals("", ApiAnswers.redirect(null));
    }

    @Test
    void answersSayingTheRequestIsTooLongSayWhatIsInIt() {
        HttpUrl url = HttpUrl.get("https://10.96.0.1/api/v1/namespaces/jobs/pods");
        assertTrue(ApiAnswers.tooLong(url, 414).orElseThrow().contains("414 URI Too Long: the request's address, which"
                + " holds the Pod's name and namespace, is longer than it accepts. Check --pod-name (POD_NAME)"));
        assertTrue(ApiAnswers.tooLong(url, 431).orElseThrow().contains("headers, which hold the token, are larger than"
                + " it accepts. Check the service account token file (KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN)"));
        assertEquals(Optional.empty(), ApiAnswers.tooLong(url, 400));
    }

    /** What only the connection can tell, from the exceptions the JDK and OkHttp really throw. */
    @Test
    void aRequestThatGotNoAnswerIsSaidWithItsAddress() throws Exception {
        HttpUrl url = HttpUrl.get("https://localhost:8443/api/v1/namespaces/jobs/pods");
        IOException refused;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            int port = socket.getLocalPort();
            socket.close();
            refused = assertThrows(IOException.class, () -> new java.net.Socket("127.0.0.1", port).close());
        }
        assertEquals(Optional.of("https://localhost:8443 refuses connections: nothing listens there (or a firewall"
                + " rejects them). Check KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (or the kubeconfig's"
                + " server)"), ApiAnswers.unanswered(url, new IOException("Failed to connect", refused)));
        assertTrue(ApiAnswers.unanswered(url, new java.net.UnknownHostException("kubernetes.invalid")).orElseThrow()
                .startsWith("DNS cannot resolve localhost"));
        assertTrue(ApiAnswers.unanswered(url, new javax.net.ssl.SSLException("Unsupported or unrecognized SSL message"))
                .orElseThrow().startsWith("https://localhost:8443 answered plain HTTP to proa's TLS handshake"));
        assertTrue(ApiAnswers.unanswered(url, new javax.net.ssl.SSLHandshakeException("PKIX path building failed"))
                .orElseThrow().contains("is its certificate signed by the CA proa trusts"));
        assertEquals(Optional.empty(), ApiAnswers.unanswered(url, new java.net.SocketTimeoutException("timeout")));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
