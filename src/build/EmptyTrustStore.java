import java.io.FileOutputStream;
import java.security.KeyStore;

/**
 * Writes an empty PKCS12 trust store (passphrase "changeit") to $1, for the dist's lib/: proa gives it to fabric8 when
 * a CA is configured, so that fabric8 trusts that CA alone (as client-go does) instead of adding it to the JDK's 144
 * CAs, whose parsing costs the start about 45 ms on one core (README, Performance). Run by src/build/dist as a
 * single source file: java src/build/EmptyTrustStore.java FILE.
 */
public class EmptyTrustStore {
    public static void main(String[] args) throws Exception {
        // No integrity MAC: verifying one costs every start the PKCS12 key derivation (10,000 rounds of SHA-256, about
        // 30 ms on one core before the JIT has compiled it), and guards nothing here: the passphrase is public, the
        // store empty; a store without a MAC loads with any passphrase.
        System.setProperty("keystore.pkcs12.macAlgorithm", "NONE");
        System.setProperty("keystore.pkcs12.certProtectionAlgorithm", "NONE");
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (FileOutputStream out = new FileOutputStream(args[0])) {
            store.store(out, "changeit".toCharArray());
        }
    }
}
