package dev.proa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bad ways to reach the API server, each through the real proa process (issue 28, items 2, 7 and 8): a set-up that can
 * never work ends at once with 125, naming the variable or file and the fix, without running COMMAND, the shutdown
 * still attempted; an address that answers something other than the API, or nothing, is named with the address and
 * retried as the README says. None hangs, and none shows Java's internals at the default log level. The set-up cases
 * have no --startup-timeout: the point is that proa ends by itself.
 */
class ApiBadInputsIT extends EndToEnd {
    /** Long enough for a JVM's start and an HTTPS listing on a loaded machine; far shorter than a hang. */
    private static final Duration AT_ONCE = TestSupport.GENEROUS;

    /** For the transient faults: said, retried, then ended by the test. */
    private static final Duration SAID_AND_STOPPED = Duration.ofSeconds(60);

    /**
     * Runs proa with {@code env} and {@code options}, a shutdown endpoint and COMMAND {@code touch ran}: it must end
     * by itself with 125 naming {@code naming}, COMMAND not run, and the shutdown request sent all the same.
     */
    private void failsAtOnce(Map<String, String> env, List<String> options, String naming) throws Exception {
        try (MockWebServer sidecar = new MockWebServer()) {
            sidecar.start();
            List<String> args = new ArrayList<>(options);
            args.addAll(List.of("-p", sidecar.url("/quitquitquit").toString(), "touch", "ran"));
            long started = System.nanoTime();
            ProaRun proa = started(env, args);

            BadInput.check(proa, started, AT_ONCE, 125, naming);
            assertTrue(proa.log().contains("ERROR proa - " + naming), "said at error level:\n" + proa.log());
            assertFalse(Files.exists(dir.resolve("ran")), "COMMAND did not run");
            assertEquals(1, sidecar.getRequestCount(), "the shutdown is still attempted:\n" + proa.log());
        }
    }

    private void failsAtOnce(Map<String, String> env, String naming) throws Exception {
        failsAtOnce(env, List.of(), naming);
    }

    /** A transient fault: proa says it, keeps retrying, and ends when told to (SIGTERM), not running COMMAND. */
    private void saidWhileRetrying(Map<String, String> env, String naming) throws Exception {
        long started = System.nanoTime();
        ProaRun proa = started(env, List.of("touch", "ran"));
        await(proa, () -> proa.log().contains(naming) || !proa.process.isAlive());
        assertTrue(proa.process.isAlive(), "still retrying:\n" + proa.log());
        proa.process.destroy(); // SIGTERM
        BadInput.check(proa, started, SAID_AND_STOPPED, 143, naming);
        assertFalse(Files.exists(dir.resolve("ran")));
    }

    private final List<ProaRun> runs = new ArrayList<>();

    /** Starts proa in this test's directory; a test that fails midway leaves no proa behind ({@link #endRuns}). */
    private ProaRun started(Map<String, String> env, List<String> args) throws IOException {
        ProaRun run = ProaRun.start(dir, env, args);
        runs.add(run);
        return run;
    }

    @AfterEach
    void endRuns() {
        runs.forEach(run -> run.process.destroyForcibly());
    }

    /** Waits for {@code condition}, as TestSupport does; when it never holds, the failure shows proa's log. */
    private static void await(ProaRun proa, java.util.function.BooleanSupplier condition) throws InterruptedException {
        try {
            TestSupport.awaitTrue(condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; proa's log:\n" + proa.log(), e);
        }
    }

    // Item 2: the service account's token file

    @Test
    void aMissingTokenFileEndsAt125NamingIt() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Map<String, String> env = env("job");
        env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", dir.resolve("no-token").toString());
        failsAtOnce(env, "The service account token file " + dir.resolve("no-token") + " does not exist");
        assertFalse(ProaRun.read(dir.resolve("proa.stderr")).contains("Ignoring"), "fabric8's own warning is not shown");
        assertEquals(0, cluster.listRequests() + cluster.watchRequests(), "no request went out without a token");
    }

    @Test
    void aTokenFileThatIsADirectoryEndsAt125NamingIt() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Map<String, String> env = env("job");
        Path directory = Files.createDirectory(dir.resolve("serviceaccount"));
        env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", directory.toString());
        failsAtOnce(env, "The service account token file " + directory + " is a directory");
        assertEquals(0, cluster.listRequests() + cluster.watchRequests());
    }

    @Test
    void anEmptyTokenFileEndsAt125NamingIt() throws Exception {
        Map<String, String> env = env("job");
        Files.writeString(dir.resolve("token"), "\n");
        failsAtOnce(env, "The service account token file " + dir.resolve("token") + " is empty");
    }

    /**
     * The kubelet rewrites the token file as it rotates the token: one that goes bad later is said once, and the last
     * good token sent meanwhile, as Go clients do (it had ended fabric8's informer, and proa waited forever).
     */
    @Test
    void aTokenFileThatGoesBadLaterIsSaidAndTheLastGoodTokenSent() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        Path token = dir.resolve("token");
        long started = System.nanoTime();
        ProaRun proa = started(env("job"), List.of("touch", "ran"));
        await(proa, () -> cluster.openWatches() > 0 || !proa.process.isAlive());
        Files.writeString(token, "");
        cluster.dropWatches(); // the next list and watch read the token again
        String said = "The service account token file " + token + " is empty: sending the token read from it before";
        await(proa, () -> proa.log().contains(said) || !proa.process.isAlive());
        await(proa, () -> cluster.openWatches() > 0 || !proa.process.isAlive());
        cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));

        BadInput.check(proa, started, SAID_AND_STOPPED, 0, said);
        assertTrue(Files.exists(dir.resolve("ran")));
        assertEquals(1, TestSupport.count(proa.log(), "is empty"), "said once:\n" + proa.log());
    }

    // Item 8: the set-up names the variable or file, its value, and the fix

    @Test
    void aServicePortThatIsNotANumberIsNamed() throws Exception {
        Map<String, String> env = env("job");
        env.put("KUBERNETES_SERVICE_PORT", "abc");
        failsAtOnce(env, "KUBERNETES_SERVICE_PORT=abc is not a port number (1 to 65535)");
    }

    @Test
    void aServicePortOutOfRangeIsNamed() throws Exception {
        Map<String, String> env = env("job");
        env.put("KUBERNETES_SERVICE_PORT", "99999");
        failsAtOnce(env, "KUBERNETES_SERVICE_PORT=99999 is not a port number (1 to 65535)");
    }

    @Test
    void aMissingCaFileIsNamedWithItsVariable() throws Exception {
        Map<String, String> env = env("job");
        env.put("KUBERNETES_CERTS_CA_FILE", dir.resolve("no-ca.crt").toString());
        failsAtOnce(env, "KUBERNETES_CERTS_CA_FILE=" + dir.resolve("no-ca.crt") + " names the API server's CA certificate");
    }

    @Test
    void aKubeconfigThatIsNotTextIsNamed() throws Exception {
        byte[] garbage = new byte[512];
        new java.util.Random(28).nextBytes(garbage);
        Path kubeconfig = Files.write(dir.resolve("kubeconfig"), garbage);
        failsAtOnce(Map.of("KUBECONFIG", kubeconfig.toString(), "POD_NAME", "job", "POD_NAMESPACE", "jobs"),
                "The kubeconfig " + kubeconfig + " (from KUBECONFIG) cannot be used: it is not UTF-8 text");
    }

    @Test
    void aKubeconfigThatIsNotYamlIsNamed() throws Exception {
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "{{{ not: [yaml\n");
        failsAtOnce(Map.of("KUBECONFIG", kubeconfig.toString(), "POD_NAME", "job", "POD_NAMESPACE", "jobs"),
                "The kubeconfig " + kubeconfig + " (from KUBECONFIG) cannot be used: it is not valid YAML or JSON");
    }

    @Test
    void aPodNameLongerThanAnyIsNamedNotBlamedOnTheApi() throws Exception {
        failsAtOnce(env("job"), List.of("--pod-name=" + "a".repeat(100_000)),
                "The Pod name from --pod-name (" + "a".repeat(40) + "...) is 100000 characters long");
        assertEquals(0, cluster.listRequests() + cluster.watchRequests());
    }

    @Test
    void aTokenOfAMegabyteIsNamedNotBlamedOnTheApi() throws Exception {
        Map<String, String> env = env("job");
        Files.writeString(dir.resolve("token"), "t".repeat(1024 * 1024));
        failsAtOnce(env, "The service account token file " + dir.resolve("token") + " holds more than 65536 bytes");
        assertEquals(0, cluster.listRequests() + cluster.watchRequests());
        assertFalse(ProaRun.read(dir.resolve("proa.stderr")).contains("tttttttttt"), "never the token's content");
    }

    @Test
    void aRefusedPortIsNamedWithItsAddress() throws Exception {
        try (TestSupport.RefusingPort nothing = new TestSupport.RefusingPort()) {
            Map<String, String> env = env("job");
            env.put("KUBERNETES_SERVICE_PORT", Integer.toString(nothing.port));
            saidWhileRetrying(env, "https://localhost:" + nothing.port + " refuses connections");
        }
    }

    @Test
    void aPortThatSpeaksPlainHttpIsSaidSoNotBlamedOnTheCertificate() throws Exception {
        try (PlainHttp plain = new PlainHttp()) {
            Map<String, String> env = env("job");
            env.put("KUBERNETES_SERVICE_PORT", Integer.toString(plain.port()));
            saidWhileRetrying(env, "https://localhost:" + plain.port() + " answered plain HTTP to proa's TLS handshake");
            assertFalse(ProaRun.read(dir.resolve("proa.stderr")).contains("certificate"));
        }
    }

    @Test
    void headersTooLargeForTheServerAreSaidToHoldTheToken() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        Map<String, String> env = env("job");
        Files.writeString(dir.resolve("token"), "t".repeat(20_000)); // below proa's limit, above the server's
        saidWhileRetrying(env, "answered 431 Request Header Fields Too Large: the request's headers, which hold the token");
    }

    @Test
    void anAddressTooLongForTheServerIsSaidToHoldTheNames() throws Exception {
        cluster.create(TestPods.pod("job", List.of(), List.of()));
        cluster.intercept(r -> r.getPath().startsWith("/api/v1/namespaces/jobs/pods")
                ? new MockResponse().setResponseCode(414).setHeader("Content-Type", "text/html").setBody("<h1>414</h1>")
                : null);
        saidWhileRetrying(env("job"), "answered 414 URI Too Long: the request's address, which holds the Pod's name"
                + " and namespace, is longer than it accepts. Check --pod-name (POD_NAME)");
    }

    /** {@code proa check} answers a set-up that can never work with its own status, 1, and the sentence to fix it. */
    @Test
    void checkNamesABadSetUpAsSomethingToFix() throws Exception {
        Map<String, String> env = env("job");
        env.put("KUBERNETES_SERVICE_PORT", "abc");
        long started = System.nanoTime();
        ProaRun check = started(env, List.of("check"));

        assertEquals(1, check.exitStatus(), check.log() + check.output());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(AT_ONCE) <= 0);
        assertTrue(check.output().contains("KUBERNETES_SERVICE_PORT=abc is not a port number"), check.output());
        BadInput.noInternals(check.log() + check.output());
    }

    // Item 7: answers that are not the API's, and redirects

    /**
     * The API's address answers {@code answer} to every request for the Pod until proa has said so; then the real API
     * answers, and COMMAND runs: proa retried, as for any API failure.
     */
    private void notTheApiUntilFixed(MockResponse answer, String naming) throws Exception {
        if (cluster.client.pods().inNamespace(MockCluster.NAMESPACE).withName("job").get() == null) {
            cluster.create(TestPods.pod("job", List.of(), List.of()));
        }
        AtomicBoolean wrong = new AtomicBoolean(true);
        cluster.intercept(r -> wrong.get() && r.getPath().startsWith("/api/v1/namespaces/jobs/pods") ? answer : null);
        long started = System.nanoTime();
        ProaRun proa = started(env("job"), List.of("touch", "ran"));
        await(proa, () -> proa.log().contains("does not look like the Kubernetes API") || !proa.process.isAlive());
        wrong.set(false);

        BadInput.check(proa, started, SAID_AND_STOPPED, 0, naming);
        assertTrue(Files.exists(dir.resolve("ran")));
        String port = env("job").get("KUBERNETES_SERVICE_PORT");
        assertTrue(proa.log().contains("https://localhost:" + port + "/api/v1/namespaces/jobs/pods answered"), proa.log());
    }

    private static MockResponse json(String body) {
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(body);
    }

    @Test
    void garbageJsonIsNotTheApi() throws Exception {
        notTheApiUntilFixed(json("{\"kind\": garbage"), "answered 200 with application/json, but its body is not JSON");
    }

    @Test
    void anArrayIsNotTheApi() throws Exception {
        notTheApiUntilFixed(json("[]"), "but its body is a JSON array, not an object");
    }

    @Test
    void anEmptyObjectIsNotTheApi() throws Exception {
        notTheApiUntilFixed(json("{}"), "but its body is a JSON object without the kind and apiVersion");
    }

    @Test
    void anEmptyBodyIsNotTheApi() throws Exception {
        notTheApiUntilFixed(json(""), "but its body is empty");
    }

    @Test
    void aRedirectToAnotherOriginIsNamedAndNeverFollowed() throws Exception {
        try (MockWebServer elsewhere = new MockWebServer()) {
            elsewhere.start();
            for (int code : List.of(302, 307)) {
                notTheApiUntilFixed(new MockResponse().setResponseCode(code)
                        .setHeader("Location", elsewhere.url("/login?session=s3cr3t").toString()),
                        "answered " + code + " with no content type (a redirect to " + elsewhere.url("/login")
                                + ", not followed)");
                Files.delete(dir.resolve("ran"));
            }
            assertEquals(0, elsewhere.getRequestCount(), "the redirect was never followed");
        }
    }

    @Test
    void aWatchStreamOfGarbageIsRetriedWithoutParserText() throws Exception {
        cluster.create(TestPods.pod("job", List.of("proxy"), List.of()));
        AtomicInteger garbageWatches = new AtomicInteger();
        AtomicBoolean garbage = new AtomicBoolean(true);
        cluster.intercept(r -> {
            if (!garbage.get() || !r.getPath().contains("watch=true")) return null;
            garbageWatches.incrementAndGet();
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket socket, Response response) {
                    socket.send("garbage line one");
                    socket.send("{\"type\": nope}");
                    socket.send("[]");
                    socket.send("{}");
                }
            });
        });
        long started = System.nanoTime();
        ProaRun proa = started(env("job"), List.of("touch", "ran"));
        await(proa, () -> garbageWatches.get() >= 2 || !proa.process.isAlive()); // the watch was retried
        garbage.set(false);
        await(proa, () -> cluster.openWatches() > 0 || !proa.process.isAlive());
        cluster.setStatus("job", "proxy", s -> TestPods.running("proxy", true));

        BadInput.check(proa, started, SAID_AND_STOPPED, 0, "all sidecars of Pod jobs/job (proxy) are ready");
        assertTrue(Files.exists(dir.resolve("ran")));
    }

    /**
     * A plain HTTP server on a loopback port that answers anything, a TLS handshake too, as Go's does: 400 Bad Request.
     * (mockwebserver3 would wait for a request line that never comes.)
     */
    private static final class PlainHttp implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        PlainHttp() throws IOException {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        socket.getInputStream().read(new byte[4096]);
                        socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        // closed by the test, or the client went away: the next one is answered the same
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
