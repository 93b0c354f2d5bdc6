package dev.proa;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.proa.inject.Injection;
import dev.proa.inject.Manifests;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proa webhook}, the jar as a process, over real HTTPS with a certificate made here: real AdmissionReview
 * bodies, bad ones, and a certificate renewed under it.
 */
class WebhookIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "registry.example/proa:0.1.0";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    @TempDir
    Path dir;

    private ProaRun webhook;

    @AfterEach
    void stop() throws InterruptedException {
        if (webhook != null) {
            webhook.process.destroy();
            // bounded: a webhook that ignores SIGTERM fails its own test (it has one), it does not hang the suite
            if (!webhook.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) webhook.process.destroyForcibly();
        }
    }

    // ---- A certificate, as cert-manager writes it: tls.crt, and tls.key in PKCS#1 ----

    /** A certificate and its keys; {@code encoding}: how the key's file is written (cert-manager's privateKey.encoding). */
    private record Pair(X509Certificate certificate, KeyPair keys, String encoding) {}

    private static Pair certificate() throws Exception {
        return certificate("RSA", "PKCS1");
    }

    /** RSA or EC, its key written in PKCS#1 (cert-manager's default: SEC 1 for an EC key) or PKCS#8. */
    private static Pair certificate(String algorithm, String encoding) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
        generator.initialize(algorithm.equals("EC") ? 256 : 2048);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=proa-webhook.proa-system.svc");
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        var signer = new JcaContentSignerBuilder(algorithm.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA")
                .build(keys.getPrivate());
        return new Pair(new JcaX509CertificateConverter().getCertificate(builder.build(signer)), keys, encoding);
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }

    /**
     * The key as cert-manager writes it. An EC key in SEC 1 is written as Go's x509.MarshalECPrivateKey and openssl
     * write it, with its curve and public key (BouncyCastle's own PEM writer leaves both out, which nothing else does).
     */
    private static Object privateKey(Pair pair) throws Exception {
        java.security.PrivateKey key = pair.keys().getPrivate();
        if (pair.encoding().equals("PKCS8")) return new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null);
        if (!key.getAlgorithm().equals("EC")) return key; // RSA: PKCS#1
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        var curve = org.bouncycastle.asn1.ASN1ObjectIdentifier.getInstance(info.getPrivateKeyAlgorithm().getParameters());
        var publicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(pair.keys().getPublic().getEncoded())
                .getPublicKeyData();
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                ((java.security.interfaces.ECPrivateKey) key).getS(), publicKey, curve);
        return new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded());
    }

    /** Writes the pair the way a Secret volume changes: new files renamed over the old ones. */
    private void write(Pair pair) throws Exception {
        Path crt = Files.writeString(dir.resolve("tls.crt.new"), pem(pair.certificate()));
        Path key = Files.writeString(dir.resolve("tls.key.new"), pem(privateKey(pair)));
        Files.move(key, dir.resolve("tls.key"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.move(crt, dir.resolve("tls.crt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private int start(Pair pair, String... proaOptions) throws Exception {
        return start(Files.createDirectories(dir.resolve("run")), pair, proaOptions);
    }

    /** The webhook, its stdout and stderr written in {@code run}. */
    private int start(Path run, Pair pair, String... proaOptions) throws Exception {
        write(pair);
        List<String> args = new java.util.ArrayList<>(List.of("webhook", "--port=0", "--tls-cert=" + dir.resolve("tls.crt"),
                "--tls-key=" + dir.resolve("tls.key"), "--image=" + IMAGE));
        if (proaOptions.length > 0) {
            args.add("--");
            args.addAll(List.of(proaOptions));
        }
        webhook = ProaRun.start(run, Map.of(), args);
        Pattern port = Pattern.compile("on port (\\d+) ");
        TestSupport.awaitTrue(() -> port.matcher(webhook.log()).find() || !webhook.process.isAlive());
        Matcher m = port.matcher(webhook.log());
        assertTrue(m.find(), "the webhook did not start; its log:\n" + webhook.log());
        return Integer.parseInt(m.group(1));
    }

    private void awaitLog(String line) throws InterruptedException {
        try {
            TestSupport.awaitTrue(() -> webhook.log().contains(line));
        } catch (AssertionError e) {
            throw new AssertionError("the webhook's log does not say '" + line + "':\n" + webhook.log(), e);
        }
    }

    private static SSLContext trusting(X509Certificate... certificates) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        for (X509Certificate c : certificates) store.setCertificateEntry("c" + c.getSerialNumber(), c);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static HttpResponse<String> post(int port, Pair pair, String path, String method, String body) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().sslContext(trusting(pair.certificate())).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10)).build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    /** The certificate a fresh handshake is shown (a new context each time: no session to resume). */
    private static X509Certificate presented(int port, X509Certificate... trusted) throws Exception {
        try (SSLSocket socket = (SSLSocket) trusting(trusted).getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    // ---- AdmissionReviews, as the API server sends them ----

    /** A Pod as the Job controller creates it: generateName, the Job's template, Istio's proxy already injected first. */
    static final String POD = """
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"generateName": "report-", "namespace": "jobs", "labels": {"job-name": "report"},
                          "annotations": {}},
             "spec": {"restartPolicy": "Never", "serviceAccountName": "reporter",
                      "containers": [
                        {"name": "istio-proxy", "image": "docker.io/istio/proxyv2:1.24.0", "args": ["proxy", "sidecar"]},
                        {"name": "main", "image": "app:1", "command": ["python3", "/app/report.py"], "args": ["--day", "monday"],
                         "resources": {"requests": {"cpu": "100m"}}, "terminationMessagePolicy": "File"}]}}
            """;

    static String review(String kind, String object) {
        return """
                {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                 "request": {"uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                             "kind": {"group": "", "version": "v1", "kind": "%s"},
                             "resource": {"group": "", "version": "v1", "resource": "pods"},
                             "requestKind": {"group": "", "version": "v1", "kind": "%s"},
                             "namespace": "jobs", "operation": "CREATE",
                             "userInfo": {"username": "system:serviceaccount:kube-system:job-controller"},
                             "object": %s, "oldObject": null, "dryRun": false,
                             "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}}}
                """.formatted(kind, kind, object);
    }

    @Test
    void aPodIsPatchedWithTheChangeProaInjectMakes() throws Exception {
        Pair pair = certificate();
        int port = start(pair, "--startup-timeout=2m");
        HttpResponse<String> answer = post(port, pair, "/mutate", "POST", review("Pod", POD));
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode response = JSON.readTree(answer.body());
        assertEquals("admission.k8s.io/v1", response.path("apiVersion").asText());
        assertEquals("AdmissionReview", response.path("kind").asText());
        assertEquals("705ab4f5-6393-11e8-b7cc-42010a800002", response.at("/response/uid").asText());
        assertTrue(response.at("/response/allowed").asBoolean(), answer.body());
        assertEquals("JSONPatch", response.at("/response/patchType").asText());
        JsonNode patch = JSON.readTree(Base64.getDecoder().decode(response.at("/response/patch").asText()));

        JsonNode pod = JSON.readTree(POD);
        JsonNode patched = JsonPatch.apply(patch, pod);
        JsonNode injected = Manifests.inject(pod, new Injection.Settings(IMAGE, Injection.Mode.IMAGE, null,
                List.of("--startup-timeout=2m"))).document();
        assertEquals(injected, patched, "the webhook's patch makes what proa inject makes");
        assertEquals("[\"/opt/proa/bin/proa\",\"--startup-timeout=2m\",\"--\",\"python3\",\"/app/report.py\"]",
                patched.at("/spec/containers/1/command").toString());
        assertEquals(pod.at("/spec/containers/0"), patched.at("/spec/containers/0"), "Istio's proxy untouched");
        awaitLog("Pod jobs/report-*: container main: proa injected");

        // The patched Pod, reviewed again (reinvocationPolicy: IfNeeded): no patch.
        HttpResponse<String> again = post(port, pair, "/mutate", "POST", review("Pod", patched.toString()));
        JsonNode second = JSON.readTree(again.body()).path("response");
        assertTrue(second.path("allowed").asBoolean());
        assertTrue(second.path("patch").isMissingNode(), again.body());
    }

    @Test
    void aPodWithoutCommandIsDeniedWithTheFix() throws Exception {
        Pair pair = certificate();
        int port = start(pair);
        String noCommand = POD.replace("\"command\": [\"python3\", \"/app/report.py\"], ", "");
        JsonNode response = JSON.readTree(post(port, pair, "/mutate", "POST", review("Pod", noCommand)).body()).path("response");
        assertFalse(response.path("allowed").asBoolean());
        String message = response.at("/status/message").asText();
        assertTrue(message.contains("container main has no command") && message.contains("proa.dev/inject: disabled"), message);
    }

    @Test
    void optedOutPodsAndOtherKindsAreAllowedUnchanged() throws Exception {
        Pair pair = certificate();
        int port = start(pair);
        ObjectNode optedOut = (ObjectNode) JSON.readTree(POD);
        ((ObjectNode) optedOut.at("/metadata/annotations")).put("proa.dev/inject", "disabled");
        for (String body : List.of(review("Pod", optedOut.toString()),
                review("Job", "{\"apiVersion\": \"batch/v1\", \"kind\": \"Job\", \"metadata\": {\"name\": \"j\"}}"))) {
            JsonNode response = JSON.readTree(post(port, pair, "/mutate", "POST", body).body()).path("response");
            assertTrue(response.path("allowed").asBoolean());
            assertTrue(response.path("patch").isMissingNode(), response.toString());
        }
        assertTrue(webhook.log().contains("proa.dev/inject: disabled: allowed unchanged"), webhook.log());
    }

    @Test
    void badRequestsAreAnsweredClearlyAndTheWebhookServesOn() throws Exception {
        Pair pair = certificate();
        int port = start(pair);
        record Bad(String path, String method, String body, int status, String naming) {}
        for (Bad bad : List.of(
                new Bad("/mutate", "POST", "{not json", 400, "not JSON"),
                new Bad("/mutate", "POST", "[1, 2]", 400, "not an AdmissionReview"),
                new Bad("/mutate", "POST", review("Pod", POD).replace("admission.k8s.io/v1", "admission.k8s.io/v1beta1"),
                        400, "admissionReviewVersions: [v1]"),
                new Bad("/mutate", "POST", review("Pod", POD).replace("\"uid\": \"705ab4f5-6393-11e8-b7cc-42010a800002\",", ""),
                        400, "no request.uid"),
                new Bad("/mutate", "GET", null, 405, "POST"),
                new Bad("/other", "GET", null, 404, "/mutate"))) {
            HttpResponse<String> answer = post(port, pair, bad.path(), bad.method(), bad.body());
            assertEquals(bad.status(), answer.statusCode(), bad + ": " + answer.body());
            assertTrue(answer.body().contains(bad.naming()), bad + ": " + answer.body());
        }
        String malformed = POD.replace("\"args\": [\"--day\", \"monday\"]", "\"args\": {\"day\": 1}");
        JsonNode denied = JSON.readTree(post(port, pair, "/mutate", "POST", review("Pod", malformed)).body()).path("response");
        assertFalse(denied.path("allowed").asBoolean(), denied.toString());
        assertTrue(denied.at("/status/message").asText().contains("spec.containers[1].args holds a value of the wrong type"),
                denied.toString());
        HttpResponse<String> health = post(port, pair, "/healthz", "GET", null);
        assertEquals(200, health.statusCode());
        assertEquals("ok\n", health.body());
        assertTrue(webhook.process.isAlive());
        BadInput.noInternals(webhook.log());
    }

    @Test
    void aRenewedCertificateIsServedFromTheNextHandshake() throws Exception {
        Pair first = certificate();
        int port = start(first);
        assertEquals(first.certificate(), presented(port, first.certificate()));
        Pair renewed = certificate("EC", "PKCS1");
        write(renewed);
        TestSupport.awaitTrue(() -> {
            try {
                return presented(port, first.certificate(), renewed.certificate()).equals(renewed.certificate());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(200, post(port, renewed, "/healthz", "GET", null).statusCode());
        assertTrue(webhook.log().contains("Serving the renewed certificate"), webhook.log());
    }

    /**
     * A pair that does not match (a rotation half written) is said once and the current one served on; the webhook's
     * own log written in the same directory is not a change to reload on (it was: each warning a change, a busy loop).
     */
    @Test
    void aHalfWrittenRotationIsSaidOnceAndTheNextChangeServes() throws Exception {
        Pair first = certificate();
        int port = start(dir, first);
        Files.writeString(dir.resolve("tls.key"), pem(certificate().keys().getPrivate()));
        awaitLog("is not for the key in");
        assertEquals(first.certificate(), presented(port, first.certificate()));
        Pair renewed = certificate("EC", "PKCS8");
        write(renewed);
        awaitLog("Serving the renewed certificate");
        assertEquals(renewed.certificate(), presented(port, renewed.certificate()));
        assertEquals(1, TestSupport.count(webhook.log(), "is not for the key in"), webhook.log());
    }

    @Test
    void sigtermStopsItPromptlyAfterTheAnswersUnderWay() throws Exception {
        Pair pair = certificate();
        int port = start(pair);
        assertEquals(200, post(port, pair, "/healthz", "GET", null).statusCode());
        long started = System.nanoTime();
        webhook.process.destroy(); // SIGTERM
        assertTrue(webhook.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), webhook.log());
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(10)) < 0, webhook.log());
        assertTrue(webhook.log().contains("Stopping: finishing the requests under way"), webhook.log());
        BadInput.noInternals(webhook.log());
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
        Pair pair = certificate();
        write(pair);
        Files.writeString(dir.resolve("tls.key"), pem(certificate().keys().getPrivate()));
        long started = System.nanoTime();
        ProaRun run = ProaRun.start(dir, Map.of(), List.of("webhook", "--tls-cert=" + dir.resolve("tls.crt"),
                "--tls-key=" + dir.resolve("tls.key"), "--image=" + IMAGE, "--port=0"));
        BadInput.check(run, started, Duration.ofSeconds(30), 1, "is not for the key in " + dir.resolve("tls.key"));
    }

    @Test
    void aMissingKeyFileIsNamedAtStart() throws Exception {
        write(certificate());
        long started = System.nanoTime();
        ProaRun run = ProaRun.start(dir, Map.of(), List.of("webhook", "--tls-cert=" + dir.resolve("tls.crt"),
                "--tls-key=" + dir.resolve("nope.key"), "--image=" + IMAGE));
        BadInput.check(run, started, Duration.ofSeconds(30), 1, "nope.key");
    }

    @Test
    void usageErrorsExit2() throws Exception {
        long started = System.nanoTime();
        ProaRun run = ProaRun.start(dir, Map.of(), List.of("webhook", "--tls-cert=a", "--image=x"));
        BadInput.check(run, started, Duration.ofSeconds(30), 2, "--tls-key");
    }
}
