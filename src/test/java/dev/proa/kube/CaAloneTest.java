package dev.proa.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaAloneTest {
    @TempDir Path lib;

    private Config withCa() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl("https://api:6443").build();
        config.setCaCertFile("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
        return config;
    }

    @Test
    void theDistsEmptyTrustStoreHoldsTheConfiguredCaAlone() throws Exception {
        Files.writeString(lib.resolve("empty-truststore.p12"), "");
        Config config = withCa();
        CaAlone.trust(config, lib.resolve("proa.jar").toString());
        assertEquals(lib.resolve("empty-truststore.p12").toString(), config.getTrustStoreFile());
        assertEquals("changeit", config.getTrustStorePassphrase());
    }

    @Test
    void withoutTheDistsTrustStoreFabric8sWayStays() {
        Config config = withCa();
        CaAlone.trust(config, lib.resolve("proa.jar").toString());
        assertNull(config.getTrustStoreFile());
    }

    @Test
    void noConfiguredCaAGivenTrustStoreTrustingAllOrAClassPathOfManyChangeNothing() throws Exception {
        Files.writeString(lib.resolve("empty-truststore.p12"), "");
        String jar = lib.resolve("proa.jar").toString();
        Config noCa = new ConfigBuilder(Config.empty()).withMasterUrl("https://api:6443").build();
        CaAlone.trust(noCa, jar);
        assertNull(noCa.getTrustStoreFile());
        Config given = withCa();
        given.setTrustStoreFile("/etc/mine.p12");
        CaAlone.trust(given, jar);
        assertEquals("/etc/mine.p12", given.getTrustStoreFile());
        Config all = withCa();
        all.setTrustCerts(true);
        CaAlone.trust(all, jar);
        assertNull(all.getTrustStoreFile());
        Config many = withCa();
        CaAlone.trust(many, jar + ":" + lib.resolve("other.jar"));
        assertNull(many.getTrustStoreFile());
    }
}
