package dev.proa.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
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
}
