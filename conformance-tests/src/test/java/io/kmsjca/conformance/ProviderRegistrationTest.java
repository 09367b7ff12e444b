package io.kmsjca.conformance;

import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidParameterException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.*;

/** The three ways to install the provider, each for real: in code, by name in java.security, with a configuration file. */
class ProviderRegistrationTest {

    @TempDir
    Path dir;

    /** The JDK 17 java.security lists 12 providers; the 13th slot appends KMS after them. */
    private Path securityFile(String providerLine) throws Exception {
        Path file = dir.resolve("kms.java.security");
        Files.writeString(file, "security.provider.13=" + providerLine + "\n");
        return file;
    }

    @Test
    void addProviderInCode_servesTheStandardNames() throws Exception {
        Security.addProvider(new KmsProvider());
        try {
            assertEquals("KMS", KeyStore.getInstance("KMS").getProvider().getName());
            assertEquals("KMS", Cipher.getInstance("KMSWrap").getProvider().getName());
            assertEquals("KMS", javax.crypto.KeyGenerator.getInstance("KMSDataKey").getProvider().getName());
        } finally {
            Security.removeProvider("KMS");
        }
    }

    @Test
    void serviceLoader_findsTheProvider() {
        assertTrue(ServiceLoader.load(Provider.class).stream().anyMatch(p -> p.type() == KmsProvider.class),
                "META-INF/services/java.security.Provider (AutoService) lists KmsProvider");
    }

    @Test
    void javaSecurityFileByName_inAChildJvmThatNeverNamesTheProviderClass() throws Exception {
        Path security = securityFile("KMS");
        var result = ChildJvm.java(List.of("-Djava.security.properties=" + security), ChildMain.class, "memory");
        assertEquals(0, result.exitCode(), result.all());
        assertTrue(result.stdout().contains("provider=KMS cipher=KMS roundtrip=true"), result.all());
    }

    @Test
    void javaSecurityFileWithAConfiguration_opensTheConfiguredStoreInEveryJvm() throws Exception {
        Path conf = dir.resolve("kms.conf");
        Files.writeString(dir.resolve("password"), "configured-password\n");
        Files.writeString(conf, String.join("\n",
                "store.file=keys.kms", "store.password.file=password", "kdf.insecureForTests=true", ""));
        Path security = securityFile("KMS " + conf);
        List<String> jvm = List.of("-Djava.security.properties=" + security);

        var first = ChildJvm.java(jvm, ChildMain.class, "configured-wrap", "orders", "configured-password");
        assertEquals(0, first.exitCode(), first.all());
        assertTrue(Files.exists(dir.resolve("keys.kms")), "store.file is relative to the configuration's folder");
        String key = line(first.stdout(), "key=");
        String blob = line(first.stdout(), "blob=");

        var second = ChildJvm.java(jvm, ChildMain.class, "configured-unwrap", "orders", blob);
        assertEquals(0, second.exitCode(), second.all());
        assertEquals(key, line(second.stdout(), "key="), "a second JVM unwraps from the durable configured store");
    }

    @Test
    void configuredKdf_belowTheFloorForNewPasswords_isRejected() throws Exception {
        Path conf = dir.resolve("weak.conf");
        Files.writeString(conf, "kdf.memoryKiB=64\nkdf.iterations=1\n");
        var weak = assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()));
        assertTrue(weak.getMessage().contains("19456 KiB"), weak.getMessage());
        Files.writeString(conf, "kdf.insecureForTests=true\nkdf.memoryKiB=65536\n");
        var mixed = assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()));
        assertTrue(mixed.getMessage().contains("kdf.insecureForTests"), mixed.getMessage());
        Files.writeString(conf, "kdf.memoryKiB=19456\nkdf.iterations=2\n");
        new KmsProvider().configure(conf.toString()); // the floor itself is accepted
    }

    @Test
    void configureInCode_readsTheFile_andRejectsUnknownKeys() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "store.fiel=typo.kms\n");
        var e = assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()));
        assertTrue(e.getMessage().contains("store.fiel"), e.getMessage());
        Files.writeString(conf, "kdf.memoryKiB=99999999\n");
        assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()));
        for (String bad : List.of("audit.delivery=sideways", "audit.file.fsync=maybe", "audit.queue.capacity=0",
                "audit.file.maxBytes=lots", "deletion.pendingWindowDays=3")) {
            Files.writeString(conf, bad + "\n");
            var x = assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()), bad);
            assertTrue(x.getMessage().contains(bad.substring(0, bad.indexOf('=')).split("\\.")[0]), x.getMessage());
        }
        assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(dir.resolve("absent.conf").toString()));
        // a store.url no backend on the class path opens (keystore-postgres is not on this one), password left out
        Files.writeString(conf, "store.url=jdbc:postgresql://admin:secret@db/kms\n");
        var noBackend = assertThrows(InvalidParameterException.class, () -> new KmsProvider().configure(conf.toString()));
        assertTrue(noBackend.getMessage().contains("keystore-postgres") && !noBackend.getMessage().contains("secret"),
                noBackend.getMessage());
    }

    private static String line(String output, String prefix) {
        return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in: " + output));
    }
}
