package dev.proa.kube;

import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/** The API server's CA, trusted alone when one is configured: see {@link #trust}. */
final class CaAlone {
    private CaAlone() {}

    /**
     * When a CA is configured (the service account's ca.crt, the kubeconfig's), fabric8 trusts it and the JDK's 144
     * CAs, which it parses first (about 45 ms of the start on one core, measured: the README's Performance section);
     * client-go trusts the configured CA alone. So does proa, given the dist's empty trust store (next to its jar),
     * into which fabric8 then puts the CA. Without one (proa run from a jar elsewhere), fabric8's way.
     */
    static void trust(Config config) {
        trust(config, System.getProperty("java.class.path", ""));
    }

    /** The same, for proa run with class path {@code jar}. */
    static void trust(Config config, String jar) {
        if (config.isTrustCerts() || config.getTrustStoreFile() != null
                || (config.getCaCertFile() == null && config.getCaCertData() == null)) return;
        // The class path as run (java -jar lib/proa.jar), not the classes' code source, which the AOT cache keeps
        // as it was at the training run: the dist may have been copied elsewhere since.
        if (jar.isEmpty() || jar.contains(java.io.File.pathSeparator)) return;
        try {
            Path empty = Path.of(jar).toAbsolutePath().resolveSibling("empty-truststore.p12");
            if (!Files.isRegularFile(empty)) return;
            config.setTrustStoreFile(empty.toString());
            config.setTrustStorePassphrase("changeit");
        } catch (RuntimeException e) { // an odd class path: fabric8's way
            LoggerFactory.getLogger("proa").debug("No empty trust store found; trusting the JDK's CAs too", e);
        }
    }
}
