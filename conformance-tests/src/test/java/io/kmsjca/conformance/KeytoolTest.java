package io.kmsjca.conformance;

import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The JDK's own keytool binary against a KMS key store, loaded through -providerclass/-providerpath. */
class KeytoolTest {

    @TempDir
    Path dir;
    private Path store;
    private Path conf;

    @BeforeEach
    void setUp() throws Exception {
        store = dir.resolve("keytool.kms");
        conf = dir.resolve("kms.conf");
        Files.writeString(conf, "kdf.insecureForTests=true\n"); // cheap KDF for tests only
    }

    private ChildJvm.Result keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.javaHomeTool("keytool").toString(),
                "-storetype", "KMS",
                "-providerclass", KmsProvider.class.getName(), "-providerarg", conf.toString(),
                "-providerpath", ChildJvm.classPath(),
                "-keystore", store.toString()));
        cmd.addAll(List.of(args));
        return ChildJvm.run(cmd, null);
    }

    private ChildJvm.Result genseckey(String alias, String password) throws Exception {
        return keytool("-genseckey", "-keyalg", "AES", "-keysize", "256", "-alias", alias,
                "-storepass", password, "-keypass", password);
    }

    @Test
    void genseckeyListDelete_behaveAsForAnyKeyStore() throws Exception {
        var gen = genseckey("orders", "changeit");
        assertEquals(0, gen.exitCode(), gen.all());
        assertTrue(gen.all().contains("Generated 256-bit AES secret key"), gen.all());
        assertEquals(0, genseckey("billing", "changeit").exitCode());

        var list = keytool("-list", "-v", "-storepass", "changeit");
        assertEquals(0, list.exitCode(), list.all());
        assertTrue(list.stdout().contains("Keystore type: KMS"), list.all());
        assertTrue(list.stdout().contains("Your keystore contains 2 entries"), list.all());
        assertTrue(list.stdout().contains("Alias name: orders"), list.all());
        assertTrue(list.stdout().contains("Entry type: SecretKeyEntry"), list.all());

        var duplicate = genseckey("orders", "changeit");
        assertNotEquals(0, duplicate.exitCode(), "keytool refuses an alias that exists");

        var delete = keytool("-delete", "-alias", "orders", "-storepass", "changeit");
        assertEquals(0, delete.exitCode(), delete.all());
        var after = keytool("-list", "-storepass", "changeit");
        assertTrue(after.stdout().contains("Your keystore contains 1 entry"), after.all());
        assertFalse(after.stdout().contains("orders"), after.all());
    }

    /** An HMAC key (#20) is a secret-key entry to keytool, like an AES key. */
    @Test
    void anHmacKey_isListedAsASecretKeyEntry() throws Exception {
        assertEquals(0, genseckey("orders", "changeit").exitCode());
        // keytool's file is an image: read it, add the HMAC key, write the image back (a live
        // store's image alone would lack the changes in its journal)
        java.security.KeyStore image = java.security.KeyStore.getInstance("KMS", new KmsProvider().configure(conf.toString()));
        try (var in = Files.newInputStream(store)) {
            image.load(in, "changeit".toCharArray());
        }
        io.kmsjca.provider.KmsAdmin.open(image, "changeit".toCharArray()).createKey(io.kmsjca.keys.CreateKeyRequest
                .withAlias("tokens").keySpec(io.kmsjca.keys.KeySpec.HMAC_256).keyUsage(io.kmsjca.keys.KeyUsage.GENERATE_VERIFY_MAC));
        try (var out = Files.newOutputStream(store)) {
            image.store(out, "changeit".toCharArray());
        }
        var list = keytool("-list", "-v", "-storepass", "changeit");
        assertEquals(0, list.exitCode(), list.all());
        assertTrue(list.stdout().contains("Your keystore contains 2 entries"), list.all());
        String tokens = list.stdout().substring(list.stdout().indexOf("Alias name: tokens"));
        assertTrue(tokens.contains("Entry type: SecretKeyEntry"), list.all());
    }

    @Test
    void storepasswd_changesThePassword_andKeepsTheKeys() throws Exception {
        assertEquals(0, genseckey("orders", "changeit").exitCode());
        var change = keytool("-storepasswd", "-new", "newpass123", "-storepass", "changeit");
        assertEquals(0, change.exitCode(), change.all());

        var old = keytool("-list", "-storepass", "changeit");
        assertNotEquals(0, old.exitCode());
        assertTrue(old.all().contains("keystore password was incorrect"), old.all());

        var list = keytool("-list", "-storepass", "newpass123");
        assertEquals(0, list.exitCode(), list.all());
        assertTrue(list.stdout().contains("orders"), list.all());
    }

    @Test
    void aKeytoolMadeStore_servesKMSWrapInJava() throws Exception {
        assertEquals(0, genseckey("orders", "changeit").exitCode());
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        KmsKeyHandle master = (KmsKeyHandle) ks.getKey("orders", null);
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        SecretKey dataKey = g.generateKey();
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.WRAP_MODE, master);
        byte[] blob = c.wrap(dataKey);
        c.init(Cipher.UNWRAP_MODE, master);
        assertArrayEquals(dataKey.getEncoded(), c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded());
    }

    @Test
    void garbageFile_isAClearKeytoolError() throws Exception {
        Files.writeString(store, "not a key store at all, just some text in a file");
        var list = keytool("-list", "-storepass", "changeit");
        assertNotEquals(0, list.exitCode());
        assertTrue(list.all().contains("not a kms-jca key store"), list.all());
    }
}
