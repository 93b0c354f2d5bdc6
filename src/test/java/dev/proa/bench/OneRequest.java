package dev.proa.bench;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The benchmark's floor for proa's start: the least any JVM program can do that makes one HTTPS request as proa's
 * first read does. With OkHttp 5 (the HTTP client fabric8 uses), it GETs {@code /api/v1/namespaces/NS/pods/NAME} from
 * the API server in-cluster style (KUBERNETES_SERVICE_HOST and _PORT, the CA in KUBERNETES_CERTS_CA_FILE, the token in
 * KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN), reads the answer, and writes the time it was done (epoch nanoseconds) to the
 * file in $1; then sleeps $2 milliseconds if given (for its memory). Run by the benchmark with the dist's runtime,
 * proa's JVM flags, and an AOT cache of its own trained on this request.
 */
public final class OneRequest {
    public static void main(String[] args) throws Exception {
        CertificateFactory certificates = CertificateFactory.getInstance("X.509");
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream ca = Files.newInputStream(Path.of(System.getenv("KUBERNETES_CERTS_CA_FILE")))) {
            trusted.setCertificateEntry("ca", certificates.generateCertificate(ca));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        X509TrustManager manager = (X509TrustManager) trust.getTrustManagers()[0];
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {manager}, null);
        OkHttpClient client = new OkHttpClient.Builder().sslSocketFactory(tls.getSocketFactory(), manager).build();
        String token = Files.readString(Path.of(System.getenv("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN"))).strip();
        Request request = new Request.Builder()
                .url("https://" + System.getenv("KUBERNETES_SERVICE_HOST") + ":" + System.getenv("KUBERNETES_SERVICE_PORT")
                        + "/api/v1/namespaces/" + System.getenv("POD_NAMESPACE") + "/pods/" + System.getenv("POD_NAME"))
                .header("Authorization", "Bearer " + token).header("Accept", "application/json").build();
        try (Response response = client.newCall(request).execute()) {
            if (response.code() != 200) throw new IllegalStateException("HTTP " + response.code());
            response.body().bytes();
        }
        Instant now = Instant.now();
        Files.writeString(Path.of(args[0]), Long.toString(now.getEpochSecond() * 1_000_000_000L + now.getNano()));
        if (args.length > 1) Thread.sleep(Long.parseLong(args[1]));
        System.exit(0); // OkHttp's threads would keep the JVM a while; proa ends with _exit too
    }
}
