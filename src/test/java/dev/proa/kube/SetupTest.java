package dev.proa.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The set-up judged before any client is built: each bad one named by its variable or file, with the fix. */
class SetupTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.payload.signature";

    /** A Pod's environment: the kubelet's variables, and a token file at {@code /sa/token}. */
    private static Map<String, String> pod() {
        Map<String, String> env = new HashMap<>();
        env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        env.put("KUBERNETES_SERVICE_PORT", "443");
        env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", "/sa/token");
        return env;
    }

    private static Map<String, String> with(String variable, String value) {
        Map<String, String> env = pod();
        if (value == null) env.remove(variable);
        else env.put(variable, value);
        return env;
    }

    private static Setup.Verdict judge(Map<String, String> env, Map<String, Setup.FileState> files) {
        return Setup.judge(new Setup.Environment(env, false,
                path -> files.getOrDefault(path.toString(), new Setup.Missing())));
    }

    private static final Map<String, Setup.FileState> GOOD_FILES = Map.of("/sa/token", new Setup.Readable(TOKEN + "\n"),
            "/sa/ca.crt", new Setup.Readable("-----BEGIN CERTIFICATE-----"));

    static Stream<Arguments> unusable() {
        return Stream.of(
                Arguments.of(with("KUBERNETES_SERVICE_PORT", "abc"), GOOD_FILES,
                        "KUBERNETES_SERVICE_PORT=abc is not a port number (1 to 65535)"),
                Arguments.of(with("KUBERNETES_SERVICE_PORT", "99999"), GOOD_FILES,
                        "KUBERNETES_SERVICE_PORT=99999 is not a port number"),
                Arguments.of(with("KUBERNETES_SERVICE_PORT", "0"), GOOD_FILES, "KUBERNETES_SERVICE_PORT=0 is not a port"),
                Arguments.of(with("KUBERNETES_SERVICE_PORT", "-1"), GOOD_FILES, "KUBERNETES_SERVICE_PORT=-1 is not a port"),
                Arguments.of(with("KUBERNETES_SERVICE_HOST", "a b"), GOOD_FILES,
                        "KUBERNETES_SERVICE_HOST=a b is not a host name or IP address"),
                Arguments.of(with("KUBERNETES_MASTER", "https://[::1"), GOOD_FILES,
                        "KUBERNETES_MASTER=https://[::1 is not the API server's URL"),
                Arguments.of(with("KUBERNETES_CERTS_CA_FILE", "/nope/ca.crt"), GOOD_FILES,
                        "KUBERNETES_CERTS_CA_FILE=/nope/ca.crt names the API server's CA certificate"),
                Arguments.of(with("KUBERNETES_CERTS_CA_FILE", "/sa"), Map.of("/sa/token", new Setup.Readable(TOKEN),
                        "/sa", new Setup.Directory()), "but it is a directory"),
                Arguments.of(with("KUBERNETES_CERTS_CLIENT_KEY_FILE", "/k"), Map.of("/sa/token", new Setup.Readable(TOKEN),
                        "/k", new Setup.Unreadable("permission denied")), "KUBERNETES_CERTS_CLIENT_KEY_FILE=/k names a"
                        + " client certificate's key, but it cannot be read (permission denied)"),
                Arguments.of(pod(), Map.of(), "The service account token file /sa/token does not exist"
                        + " (proa needs the token to read its Pod through the API server: KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN"
                        + " names it"),
                Arguments.of(with("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", null), Map.of(),
                        "The service account token file /var/run/secrets/kubernetes.io/serviceaccount/token does not"
                                + " exist (proa needs the token to read its Pod through the API server: mount the service"
                                + " account token (automountServiceAccountToken must not be false"),
                Arguments.of(pod(), Map.of("/sa/token", new Setup.Directory()), "The service account token file /sa/token"
                        + " is a directory"),
                Arguments.of(pod(), Map.of("/sa/token", new Setup.NotAFile()), "/sa/token is not a regular file"),
                Arguments.of(pod(), Map.of("/sa/token", new Setup.Unreadable("permission denied")),
                        "/sa/token cannot be read (permission denied)"),
                Arguments.of(pod(), Map.of("/sa/token", new Setup.Readable(" \n")), "/sa/token is empty"),
                Arguments.of(pod(), Map.of("/sa/token", new Setup.Readable("a".repeat(Setup.LONGEST_TOKEN + 1))),
                        "/sa/token holds more than 65536 bytes"),
                Arguments.of(pod(), Map.of("/sa/token", new Setup.Readable(TOKEN + "\u0001" + TOKEN)),
                        "/sa/token has a character that an HTTP header cannot carry (byte 1, at position 38 of 77)"));
    }

    @ParameterizedTest
    @MethodSource("unusable")
    void aSetUpThatCanNeverWorkIsNamed(Map<String, String> env, Map<String, Setup.FileState> files, String why) {
        Setup.Verdict verdict = judge(env, files);
        Setup.Unusable unusable = assertInstanceOf(Setup.Unusable.class, verdict, String.valueOf(verdict));
        assertTrue(unusable.why().contains(why), unusable.why());
        assertFalse(unusable.why().contains(TOKEN.substring(0, 10)), "never the token's content: " + unusable.why());
    }

    @Test
    void aPodsEnvironmentSendsItsTokenFile() {
        assertEquals(new Setup.Usable(Optional.of(Path.of("/sa/token"))), judge(pod(), GOOD_FILES));
        assertEquals(new Setup.Usable(Optional.of(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"))),
                judge(with("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", null), Map.of(
                        "/var/run/secrets/kubernetes.io/serviceaccount/token", new Setup.Readable(TOKEN))));
        assertEquals(new Setup.Usable(Optional.of(Path.of("/sa/token"))),
                judge(with("KUBERNETES_SERVICE_HOST", "fd00::1"), GOOD_FILES), "an IPv6 address, as the kubelet sets it");
    }

    @Test
    void outsideAPodNoTokenFileIsNeeded() {
        Map<String, String> none = new HashMap<>();
        assertEquals(new Setup.Usable(Optional.empty()), judge(none, Map.of()));
        assertEquals(new Setup.Usable(Optional.empty()), judge(Map.of("KUBERNETES_MASTER", "https://api:6443"), Map.of()));
        // a kubeconfig's credentials are used, whatever the kubelet's variables say
        assertEquals(new Setup.Usable(Optional.empty()), Setup.judge(new Setup.Environment(
                with("KUBERNETES_SERVICE_PORT", "abc"), true, p -> new Setup.Missing())));
        // another credential than the service account's
        assertEquals(new Setup.Usable(Optional.empty()), judge(with("KUBERNETES_AUTH_TOKEN", "x"), Map.of()));
        assertEquals(new Setup.Usable(Optional.empty()), judge(with("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false"), Map.of()));
    }

    @Test
    void namesLongerThanAnyTheApiAcceptsAreNamedWithTheirSource() {
        Cluster.Sourced ns = new Cluster.Sourced("jobs", "POD_NAMESPACE");
        String why = Setup.namesProblem(new Cluster.Sourced("a".repeat(100_000), "--pod-name"), ns).orElseThrow();
        assertTrue(why.startsWith("The Pod name from --pod-name (" + "a".repeat(40) + "...) is 100000 characters long;"
                + " a Pod's name has at most 253"), why);
        assertTrue(Setup.namesProblem(new Cluster.Sourced("job", "POD_NAME"), new Cluster.Sourced("n".repeat(64),
                "--namespace")).orElseThrow().contains("The namespace from --namespace"));
        assertEquals(Optional.empty(), Setup.namesProblem(new Cluster.Sourced("a".repeat(253), "POD_NAME"), ns));
    }

    @Test
    void fabric8sSystemPropertiesAreReadAsTheirVariables() {
        assertEquals("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", Setup.variableOf("kubernetes.auth.serviceAccount.token"));
        assertEquals("KUBERNETES_CERTS_CA_FILE", Setup.variableOf("kubernetes.certs.ca.file"));
        assertEquals("KUBERNETES_SERVICE_PORT", Setup.variableOf("KUBERNETES_SERVICE_PORT"));
    }
}
