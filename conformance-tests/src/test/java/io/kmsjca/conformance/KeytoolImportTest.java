package io.kmsjca.conformance;

import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code keytool -importkeystore} into and out of a KMS key store, with the JDK's own keytool:
 * AES-256 secret keys and private keys with their chains come in and never go out; every other
 * entry is refused on its own, and every import is audited.
 */
class KeytoolImportTest {

    private static final String PASS = "changeit";
    private static final byte[] ORDERS = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static final byte[] BILLING = HexFormat.of().parseHex("f0e0d0c0b0a090807060504030201000f1e1d1c1b1a191817161514131211101");

    @TempDir
    Path dir;
    private Path store;
    private Path conf;

    @BeforeEach
    void setUp() throws Exception {
        store = dir.resolve("keys.kms");
        conf = dir.resolve("kms.conf");
        Files.writeString(conf, "kdf.insecureForTests=true\naudit.file=audit.jsonl\n");
    }

    private ChildJvm.Result keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.javaHomeTool("keytool").toString(),
                "-providerclass", KmsProvider.class.getName(), "-providerarg", conf.toString(),
                "-providerpath", ChildJvm.classPath()));
        cmd.addAll(List.of(args));
        return ChildJvm.run(cmd, null);
    }

    private ChildJvm.Result importInto(Path source, String sourceType) throws Exception {
        return keytool("-importkeystore", "-noprompt",
                "-srckeystore", source.toString(), "-srcstoretype", sourceType, "-srcstorepass", PASS,
                "-destkeystore", store.toString(), "-deststoretype", "KMS", "-deststorepass", PASS);
    }

    /** A source store of {@code type} with two AES-256 keys, and {@code more} entries beside them. */
    private Path sourceStore(String type, KeyStore.Entry... more) throws Exception {
        Path file = dir.resolve("source." + type.toLowerCase());
        KeyStore ks = KeyStore.getInstance(type);
        if (Files.exists(file)) {
            try (InputStream in = Files.newInputStream(file)) {
                ks.load(in, PASS.toCharArray());
            }
        } else {
            ks.load(null, null);
        }
        var protection = new KeyStore.PasswordProtection(PASS.toCharArray());
        ks.setEntry("orders", new KeyStore.SecretKeyEntry(new SecretKeySpec(ORDERS, "AES")), protection);
        ks.setEntry("billing", new KeyStore.SecretKeyEntry(new SecretKeySpec(BILLING, "AES")), protection);
        for (int i = 0; i < more.length; i++) {
            ks.setEntry("other" + i, more[i], protection);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASS.toCharArray());
        }
        return file;
    }

    @Test
    void fromPkcs12_importsTheAesKeysAndPrivateKeys_andEachOtherEntryIsRefusedOnItsOwn() throws Exception {
        Path p12 = dir.resolve("source.pkcs12");
        var pair = keytool("-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "signing",
                "-dname", "CN=signing", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", PASS, "-keypass", PASS);
        assertEquals(0, pair.exitCode(), pair.all());
        sourceStore("PKCS12",
                new KeyStore.SecretKeyEntry(new SecretKeySpec(new byte[32], "HmacSHA256")),
                new KeyStore.SecretKeyEntry(new SecretKeySpec(Arrays.copyOf(ORDERS, 16), "AES")));

        var result = importInto(p12, "PKCS12");
        assertEquals(0, result.exitCode(), result.all());
        String out = result.all();
        assertTrue(out.contains("Entry for alias orders successfully imported"), out);
        assertTrue(out.contains("Entry for alias billing successfully imported"), out);
        assertTrue(out.contains("Entry for alias signing successfully imported"), out);
        assertTrue(out.contains("3 entries successfully imported, 2 entries failed"), out);
        assertRefused(out, "other0", "AES-256 secret keys only, not HmacSHA256");
        assertRefused(out, "other1", "must be 32 bytes, was 16");

        KeyStore kms = loadKms();
        assertEquals(List.of("billing", "orders", "signing"), aliases(kms), "nothing half-imported");
        assertImportedMaterial(kms, "orders", ORDERS);
        assertImportedMaterial(kms, "billing", BILLING);
        // the private key became a SIGN_VERIFY key pair with its certificate; it never comes back out
        KeyStore source = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            source.load(in, PASS.toCharArray());
        }
        var signing = (io.kmsjca.keys.KmsPrivateKeyHandle) kms.getKey("signing", PASS.toCharArray());
        assertEquals(io.kmsjca.keys.KeyUsage.SIGN_VERIFY, signing.keyUsage());
        assertNull(signing.getEncoded());
        assertEquals(source.getCertificate("signing"), kms.getCertificate("signing"));
        assertTrue(kms.entryInstanceOf("signing", KeyStore.PrivateKeyEntry.class));
        assertEquals(3, auditLines("IMPORT_KEY_MATERIAL", "SUCCESS"), "one audited import per entry");
        assertEquals(2, auditLines("IMPORT_KEY_MATERIAL", "FAILED"), "each refusal audited");
    }

    @Test
    void fromJceks_importsTheAesKeys() throws Exception {
        Path jceks = sourceStore("JCEKS", new KeyStore.SecretKeyEntry(new SecretKeySpec(new byte[24], "DESede")));
        var result = importInto(jceks, "JCEKS");
        assertEquals(0, result.exitCode(), result.all());
        assertTrue(result.all().contains("2 entries successfully imported, 1 entries failed"), result.all());
        assertRefused(result.all(), "other0", "not DESede");

        KeyStore kms = loadKms();
        assertEquals(List.of("billing", "orders"), aliases(kms));
        assertImportedMaterial(kms, "orders", ORDERS);
        assertEquals(2, auditLines("IMPORT_KEY_MATERIAL", "SUCCESS"));
    }

    @Test
    void theImportedMaterial_neverComesBackOut() throws Exception {
        assertEquals(0, importInto(sourceStore("PKCS12"), "PKCS12").exitCode());

        // through the API: a handle, no material
        KeyStore kms = loadKms();
        var key = kms.getKey("orders", PASS.toCharArray());
        assertInstanceOf(KmsKeyHandle.class, key);
        assertNull(key.getEncoded());
        assertNull(key.getFormat());

        // through keytool, into a store that would hold plain material: every entry refused
        Path out = dir.resolve("stolen.p12");
        var export = keytool("-importkeystore", "-noprompt",
                "-srckeystore", store.toString(), "-srcstoretype", "KMS", "-srcstorepass", PASS,
                "-destkeystore", out.toString(), "-deststoretype", "PKCS12", "-deststorepass", PASS);
        assertFalse(export.all().contains("successfully imported."), export.all());
        if (Files.exists(out)) {
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(out)) {
                p12.load(in, PASS.toCharArray());
            }
            assertEquals(0, p12.size(), "no entry left the KMS store");
        }
        // the sealed image is the one export; the material is not in it in the clear
        byte[] image = Files.readAllBytes(store);
        assertEquals(-1, indexOf(image, ORDERS));
        assertEquals(-1, indexOf(image, BILLING));
    }

    @Test
    void aWrongDestinationPassword_importsNothing() throws Exception {
        assertEquals(0, importInto(sourceStore("PKCS12"), "PKCS12").exitCode());
        byte[] before = Files.readAllBytes(store);
        var again = keytool("-importkeystore", "-noprompt",
                "-srckeystore", dir.resolve("source.pkcs12").toString(), "-srcstoretype", "PKCS12", "-srcstorepass", PASS,
                "-destkeystore", store.toString(), "-deststoretype", "KMS", "-deststorepass", "wrong-password");
        assertNotEquals(0, again.exitCode(), again.all());
        assertTrue(again.all().contains("keystore password was incorrect"), again.all());
        assertArrayEquals(before, Files.readAllBytes(store), "the store is unchanged");
    }

    @Test
    void intoTheConfiguredLiveStore_withKeystoreNONE_isDurableAtOnce() throws Exception {
        Path p12 = sourceStore("PKCS12");
        Files.writeString(conf, "store.file=live.kms\nkdf.insecureForTests=true\n");
        var result = keytool("-importkeystore", "-noprompt",
                "-srckeystore", p12.toString(), "-srcstoretype", "PKCS12", "-srcstorepass", PASS,
                "-destkeystore", "NONE", "-deststoretype", "KMS", "-deststorepass", PASS);
        assertEquals(0, result.exitCode(), result.all());
        assertTrue(result.all().contains("2 entries successfully imported, 0 entries failed"), result.all());
        store = dir.resolve("live.kms");
        KeyStore kms = loadLive();
        assertEquals(List.of("billing", "orders"), aliases(kms));
        assertImportedMaterial(kms, "orders", ORDERS);

        // store(null, password) writes nothing, so a new password is refused, not ignored
        var passwd = keytool("-storepasswd", "-keystore", "NONE", "-storetype", "KMS",
                "-storepass", PASS, "-new", "another-password");
        assertNotEquals(0, passwd.exitCode(), passwd.all());
        assertTrue(passwd.all().contains("KmsAdmin.changePassword"), passwd.all());
        assertEquals(2, loadLive().size(), "still opens with its password");
    }

    // ---------------------------------------------------------------- helpers

    private static void assertRefused(String out, String alias, String why) {
        String line = out.lines().filter(l -> l.startsWith("Problem importing entry for alias " + alias + ":"))
                .findFirst().orElse("");
        assertTrue(line.contains(why), out);
        assertTrue(out.contains("Entry for alias " + alias + " not imported."), out);
    }

    /** The live store in {@code store} (its image and journal: the image alone is not all of it). */
    private KeyStore loadLive() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
        ks.load(io.kmsjca.provider.KmsLoadParameter.file(store, PASS.toCharArray()));
        return ks;
    }

    private KeyStore loadKms() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        return ks;
    }

    private static List<String> aliases(KeyStore ks) throws Exception {
        return java.util.Collections.list(ks.aliases()).stream().sorted().toList();
    }

    private long auditLines(String operation, String outcome) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            long n = 0;
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("audit.jsonl")).toList()) {
                n += Files.readAllLines(f).stream().filter(l -> l.contains("\"operation\":\"" + operation + "\"")
                        && l.contains("\"" + outcome + "\"")).count();
            }
            return n;
        }
    }

    /**
     * The key under {@code alias} is the imported material, not a new key: a KMSWrap blob made
     * with it opens with a key derived from {@code material} as docs/FORMAT.md describes.
     */
    private static void assertImportedMaterial(KeyStore kms, String alias, byte[] material) throws Exception {
        KmsKeyHandle key = (KmsKeyHandle) kms.getKey(alias, null);
        Cipher wrap = Cipher.getInstance("KMSWrap", new KmsProvider());
        wrap.init(Cipher.WRAP_MODE, key);
        SecretKey dataKey = new SecretKeySpec(HexFormat.of().parseHex("aa".repeat(32)), "AES");
        byte[] blob = wrap.wrap(dataKey);

        byte[] info = ByteBuffer.allocate(18 + 16 + 4 + 32).put("kms-jca/KMSWrap/v2".getBytes())
                .put(blob, 5, 16 + 4 + 32).array();
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec(material, "HmacSHA256"));
        hmac.update(info);
        byte[] gcmKey = hmac.doFinal(new byte[] {1}); // HKDF-Expand, first block: the GCM key
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(gcmKey, "AES"), new GCMParameterSpec(128, blob, 89, 12));
        // version 2 with no context and no caller's AAD: no AAD at all
        assertArrayEquals(dataKey.getEncoded(), gcm.doFinal(blob, 101, blob.length - 101));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
