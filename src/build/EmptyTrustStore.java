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
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (FileOutputStream out = new FileOutputStream(args[0])) {
            store.store(out, "changeit".toCharArray());
        }
    }
}
