package dev.proa.inject;

import io.fabric8.kubernetes.client.internal.CertUtils;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;

/**
 * The webhook's certificate and key, PEM files as cert-manager writes them (tls.crt, tls.key: RSA in PKCS#1, its
 * default, or PKCS#8; fabric8's CertUtils reads them), read again whenever their directory changes (a Secret volume
 * swaps its ..data link; cert-manager renews before expiry), so that each new TLS handshake gets the current pair.
 * A pair that does not load or does not match (a rotation half written) is logged and the current one kept.
 */
final class TlsFiles {
    /** One loaded pair. Its alias carries its generation, so a handshake that chose it keeps it across a reload. */
    private record Material(String alias, X509Certificate[] chain, PrivateKey key) {}

    private final Path cert;
    private final Path key;
    private volatile Material current;
    private volatile Material previous;
    private int generation;

    /** Why the files cannot serve: one sentence naming the file. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message);
        }
    }

    TlsFiles(Path cert, Path key) throws Unusable {
        this.cert = cert;
        this.key = key;
        this.current = load();
    }

    X509Certificate certificate() {
        return current.chain()[0];
    }

    private Material load() throws Unusable {
        for (Path file : new Path[] {cert, key}) {
            if (!Files.isRegularFile(file)) throw new Unusable(file + " does not exist (or is not a file)");
        }
        byte[] certBytes;
        byte[] keyBytes;
        try {
            certBytes = Files.readAllBytes(cert);
            keyBytes = Files.readAllBytes(key);
        } catch (IOException e) {
            throw new Unusable("cannot read " + (Files.isReadable(cert) ? key : cert) + ": " + e.getMessage());
        }
        KeyStore store = null;
        String why = "";
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                store = CertUtils.createKeyStore(new ByteArrayInputStream(certBytes), new ByteArrayInputStream(keyBytes),
                        algorithm, new char[0], null, new char[0]);
                break;
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                why = e.getMessage(); // the other algorithm, below; then give up
            }
        }
        if (store == null) {
            throw new Unusable(cert + " and " + key + " are not a PEM certificate and an RSA or EC private key"
                    + " (PKCS#1, SEC 1 or PKCS#8): " + why);
        }
        try {
            String alias = store.aliases().nextElement();
            Certificate[] chain = store.getCertificateChain(alias);
            PrivateKey privateKey = (PrivateKey) store.getKey(alias, new char[0]);
            X509Certificate[] x509 = Arrays.copyOf(chain, chain.length, X509Certificate[].class);
            if (!matches(x509[0], privateKey)) {
                throw new Unusable("the certificate in " + cert + " is not for the key in " + key);
            }
            return new Material("proa-" + ++generation, x509, privateKey);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Unusable(cert + " and " + key + " cannot be used: " + e.getMessage());
        }
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean matches(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        if (!certificate.getPublicKey().getAlgorithm().equals(key.getAlgorithm())) return false;
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] probe = "proa".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(certificate.getPublicKey());
        verify.update(probe);
        return verify.verify(signature);
    }

    /** A server TLS context that serves whatever pair is current at each handshake. */
    SSLContext context() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {new Current()}, null, null);
        return context;
    }

    /** Watches the files' directories until interrupted, reloading on every change. Runs on its own thread. */
    void watch(Logger log) {
        Set<Path> dirs = new LinkedHashSet<>();
        dirs.add(cert.toAbsolutePath().getParent());
        dirs.add(key.toAbsolutePath().getParent());
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            for (Path dir : dirs) {
                dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
            while (!Thread.currentThread().isInterrupted()) {
                WatchKey changed = watcher.take();
                boolean ours = changed.pollEvents().stream().anyMatch(event -> ours(event.context()));
                changed.reset();
                if (ours) reload(log);
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.error("Cannot watch {} for a renewed certificate: {}. Serving the current one until restarted", dirs,
                    e.getMessage());
        }
    }

    /**
     * Whether a change in the watched directories is to the files: their names, or the links through which a
     * Secret or ConfigMap volume swaps them all at once (..data, ..2026_12_06_...). Any other file there (a log
     * written beside them) is none of the webhook's business.
     */
    private boolean ours(Object changed) {
        String name = changed == null ? "" : changed.toString();
        return name.equals(cert.getFileName().toString()) || name.equals(key.getFileName().toString())
                || name.startsWith("..");
    }

    /** The last reload's failure, said once until it changes. */
    private String lastFailure = "";

    private synchronized void reload(Logger log) {
        try {
            Material loaded = load();
            if (Arrays.equals(loaded.chain(), current.chain())) return;
            previous = current;
            current = loaded;
            lastFailure = "";
            log.info("Serving the renewed certificate from {}: {}, valid until {}", cert,
                    loaded.chain()[0].getSubjectX500Principal().getName(), loaded.chain()[0].getNotAfter().toInstant());
        } catch (Unusable e) {
            if (e.getMessage().equals(lastFailure)) return;
            lastFailure = e.getMessage();
            log.warn("{}; still serving the certificate loaded before (a rotation may be half written: the next change"
                    + " reloads)", e.getMessage());
        }
    }

    private Material of(String alias) {
        Material now = current;
        if (now.alias().equals(alias)) return now;
        Material before = previous;
        return before != null && before.alias().equals(alias) ? before : null;
    }

    /** The key manager of every handshake: the current pair, for the key type the handshake asks for. */
    private final class Current extends X509ExtendedKeyManager {
        private String choose(String keyType) {
            Material now = current;
            return now.key().getAlgorithm().equals(keyType) ? now.alias() : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return choose(keyType);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return choose(keyType);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            String alias = choose(keyType);
            return alias == null ? null : new String[] {alias};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Material material = of(alias);
            return material == null ? null : material.chain().clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Material material = of(alias);
            return material == null ? null : material.key();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null; // a server only
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
