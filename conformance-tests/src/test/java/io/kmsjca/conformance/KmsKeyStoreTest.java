package io.kmsjca.conformance;

import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;

import io.kmsjca.keys.KeyAlias;
import io.kmsjca.provider.*;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyState;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.spi.CorruptStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class KmsKeyStoreTest {

    private static final char[] PASSWORD = "correct horse".toCharArray();

    @TempDir
    Path dir;

    private static SecretKey aes256(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        return new SecretKeySpec(k, "AES");
    }

    /** A KeyStore as keytool makes one: getInstance, load(null, null), then entries. */
    private static KeyStore emptyStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider().configure(cheapConfig().toString()));
        ks.load(null, null);
        return ks;
    }

    private static Path cheapConfig() throws IOException {
        Path conf = Files.createTempFile("kms", ".conf");
        Files.writeString(conf, "kdf.insecureForTests=true\n");
        conf.toFile().deleteOnExit();
        return conf;
    }

    private static byte[] storeToBytes(KeyStore ks, char[] password) throws Exception {
        var out = new ByteArrayOutputStream();
        ks.store(out, password);
        return out.toByteArray();
    }

    private static KeyStore loadFromBytes(byte[] image, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        ks.load(new ByteArrayInputStream(image), password);
        return ks;
    }

    private static byte[] wrap(KeyStore ks, String alias, SecretKey dataKey) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
        c.init(Cipher.WRAP_MODE, ks.getKey(alias, null));
        return c.wrap(dataKey);
    }

    private static byte[] unwrap(KeyStore ks, String alias, byte[] blob) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", Fixtures.PROVIDER);
        c.init(Cipher.UNWRAP_MODE, ks.getKey(alias, null));
        return c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded();
    }

    @Test
    void importedKey_isAnEntryWithTheJcaBehaviour() throws Exception {
        KeyStore ks = emptyStore();
        Instant before = Instant.now().minusSeconds(1);
        ks.setKeyEntry("Orders", aes256(1), null, null);
        assertEquals(List.of("orders"), Collections.list(ks.aliases()));
        assertTrue(ks.containsAlias("orders"));
        assertTrue(ks.containsAlias("ORDERS"), "aliases are case-insensitive, as in JKS and PKCS12");
        assertTrue(ks.containsAlias("alias/orders"), "the KMS spelling names the same alias");
        assertEquals(1, ks.size());
        assertTrue(ks.isKeyEntry("orders"));
        assertFalse(ks.isCertificateEntry("orders"));
        assertTrue(ks.entryInstanceOf("orders", KeyStore.SecretKeyEntry.class));
        assertFalse(ks.entryInstanceOf("orders", KeyStore.PrivateKeyEntry.class));
        assertFalse(ks.getCreationDate("orders").toInstant().isBefore(before));
        assertNull(ks.getCertificate("orders"));
        assertNull(ks.getCertificateChain("orders"));
        assertNull(ks.getKey("absent", null));
        assertNull(ks.getCreationDate("absent"));
        assertFalse(ks.containsAlias("not a valid alias!"));
    }

    @Test
    void getKey_returnsANonExportableHandle() throws Exception {
        KeyStore ks = emptyStore();
        ks.setKeyEntry("orders", aes256(1), null, null);
        KmsKeyHandle h = (KmsKeyHandle) ks.getKey("orders", "ignored".toCharArray());
        assertNull(h.getEncoded());
        assertNull(h.getFormat());
        assertEquals("AES", h.getAlgorithm());
        assertNotNull(h.keyId());
        var entry = (KeyStore.SecretKeyEntry) ks.getEntry("orders", null);
        assertEquals(h, entry.getSecretKey());
        var out = new java.io.ObjectOutputStream(new ByteArrayOutputStream());
        assertThrows(java.io.NotSerializableException.class, () -> out.writeObject(h));
    }

    @Test
    void setKeyEntryOnAnExistingAlias_addsAVersion_andOldBlobsStillUnwrap() throws Exception {
        KeyStore ks = emptyStore();
        ks.setKeyEntry("orders", aes256(1), null, null);
        SecretKey dataKey = aes256(9);
        byte[] v1Blob = wrap(ks, "orders", dataKey);
        ks.setKeyEntry("orders", aes256(2), null, null);
        byte[] v2Blob = wrap(ks, "orders", dataKey);
        assertEquals(1, io.kmsjca.internal.format.WrappedKeyBlob.keyVersion(v1Blob));
        assertEquals(2, io.kmsjca.internal.format.WrappedKeyBlob.keyVersion(v2Blob));
        assertArrayEquals(dataKey.getEncoded(), unwrap(ks, "orders", v1Blob));
        assertArrayEquals(dataKey.getEncoded(), unwrap(ks, "orders", v2Blob));
        assertEquals(1, ks.size());
    }

    @Test
    void setKeyEntry_rejectsWhatIsNotAnAes256Key() throws Exception {
        KeyStore ks = emptyStore();
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("a", new SecretKeySpec(new byte[16], "AES"), null, null));
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("a", new SecretKeySpec(new byte[32], "HmacSHA256"), null, null));
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("a", new byte[32], null));
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("bad alias!", aes256(1), null, null));
        ks.setKeyEntry("k", aes256(1), null, null);
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("copy", ks.getKey("k", null), null, null));
        assertThrows(KeyStoreException.class, () -> ks.setCertificateEntry("c", null));
        assertEquals(1, ks.size(), "failed imports change nothing");
    }

    @Test
    void eachRefusedImport_isAuditedFailed_andNamesWhatWasOffered() throws Exception {
        var store = Fixtures.storeWithKey("orders");
        KeyStore ks = store.keyStore();
        byte[] hmac = new byte[32];
        Arrays.fill(hmac, (byte) 0x5a);
        var e1 = assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("mac", new SecretKeySpec(hmac, "HmacSHA256"), null, null));
        assertEquals("a KMS key store imports AES-256 secret keys only, not HmacSHA256 secret key", e1.getMessage());
        var e2 = assertThrows(KeyStoreException.class, () -> ks.setEntry("copy",
                new KeyStore.SecretKeyEntry((SecretKey) ks.getKey("orders", null)), null));
        assertTrue(e2.getMessage().contains("its material cannot be copied"), e2.getMessage());
        assertThrows(KeyStoreException.class, () -> ks.setKeyEntry("raw", new byte[32], null));
        assertThrows(KeyStoreException.class, () -> ks.setCertificateEntry("cert", null));

        var failed = store.audit().stream().filter(ev -> ev.operation() == io.kmsjca.spi.audit.AuditOperation.IMPORT_KEY_MATERIAL)
                .toList();
        assertEquals(List.of("mac", "copy", "raw", "cert"), failed.stream().map(ev -> ev.alias()).toList());
        assertTrue(failed.stream().allMatch(ev -> ev.outcome() == io.kmsjca.spi.audit.AuditOutcome.FAILED), failed.toString());
        assertEquals(List.of("orders"), Collections.list(ks.aliases()), "nothing imported");
    }

    @Test
    void deleteEntry_removesTheAlias_andSchedulesDeletionAfterTheWindow() throws Exception {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        var service = KeyStores.newInMemory(Fixtures.cheapOptions().withClock(Clock.fixed(now, ZoneOffset.UTC)));
        KmsKeyHandle h = service.createKey("orders", "");
        KeyStore ks = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        ks.load(KmsLoadParameter.managing(service));
        ks.deleteEntry("orders");
        assertFalse(ks.containsAlias("orders"));
        assertEquals(0, ks.size());
        var meta = service.describeKey(h.keyId().toString());
        assertEquals(KeyState.PENDING_DELETION, meta.state());
        assertEquals(now.plus(Duration.ofDays(30)), meta.deletionDate());
        assertEquals(1, meta.versionCount(), "the material is still there");
        ks.deleteEntry("never-existed"); // as in JKS: deleting an absent alias is not an error
    }

    @Test
    void storeThenLoad_keepsEveryKeyAndVersion() throws Exception {
        KeyStore ks = emptyStore();
        ks.setKeyEntry("a", aes256(1), null, null);
        byte[] blob = wrap(ks, "a", aes256(7));
        ks.setKeyEntry("a", aes256(2), null, null);
        ks.setKeyEntry("b", aes256(3), null, null);
        KeyStore loaded = loadFromBytes(storeToBytes(ks, PASSWORD), PASSWORD);
        assertEquals(List.of("a", "b"), Collections.list(loaded.aliases()));
        assertArrayEquals(aes256(7).getEncoded(), unwrap(loaded, "a", blob));
        assertEquals(ks.getCreationDate("b"), loaded.getCreationDate("b"));
    }

    @Test
    void wrongPassword_isAnIOExceptionCausedByUnrecoverableKey() throws Exception {
        KeyStore ks = emptyStore();
        ks.setKeyEntry("a", aes256(1), null, null);
        byte[] image = storeToBytes(ks, PASSWORD);
        var e = assertThrows(IOException.class, () -> loadFromBytes(image, "wrong".toCharArray()));
        assertInstanceOf(UnrecoverableKeyException.class, e.getCause());
        assertTrue(e.getMessage().contains("password was incorrect"), e.getMessage());
        var none = assertThrows(IOException.class, () -> loadFromBytes(image, null));
        assertInstanceOf(UnrecoverableKeyException.class, none.getCause());
    }

    @Test
    void storingWithANewPassword_rewrapsTheRootKey() throws Exception {
        KeyStore ks = emptyStore();
        ks.setKeyEntry("a", aes256(1), null, null);
        byte[] blob = wrap(ks, "a", aes256(4));
        KeyStore reloaded = loadFromBytes(storeToBytes(ks, PASSWORD), PASSWORD);
        byte[] image = storeToBytes(reloaded, "new password".toCharArray());
        assertThrows(IOException.class, () -> loadFromBytes(image, PASSWORD));
        assertArrayEquals(aes256(4).getEncoded(), unwrap(loadFromBytes(image, "new password".toCharArray()), "a", blob));
    }

    @Test
    void everyFlippedByteOfAStoreImage_isRejected() throws Exception {
        KeyStore ks = emptyStore();
        ks.setKeyEntry("a", aes256(1), null, null);
        byte[] image = storeToBytes(ks, PASSWORD);
        for (int i = 0; i < image.length; i++) {
            byte[] bad = image.clone();
            bad[i] ^= 0x40;
            int at = i;
            assertThrows(IOException.class, () -> loadFromBytes(bad, PASSWORD), "flip at " + at);
        }
    }

    @Test
    void everyTruncationOfAStoreImage_isRejected() throws Exception {
        KeyStore ks = emptyStore();
        ks.setKeyEntry("a", aes256(1), null, null);
        byte[] image = storeToBytes(ks, PASSWORD);
        for (int len = 0; len < image.length; len++) {
            byte[] cut = Arrays.copyOf(image, len);
            assertThrows(IOException.class, () -> loadFromBytes(cut, PASSWORD), "cut at " + len);
        }
    }

    @Test
    void garbageStream_isACorruptStore() {
        var e = assertThrows(CorruptStoreException.class,
                () -> loadFromBytes("-----BEGIN CERTIFICATE----- definitely not a store".getBytes(), PASSWORD));
        assertTrue(e.getMessage().contains("not a kms-jca key store"), e.getMessage());
    }

    @Test
    void craftedKdfParameters_areRefusedBeforeAnyDerivation() throws Exception {
        KeyStore ks = emptyStore();
        byte[] image = storeToBytes(ks, PASSWORD);
        // the root key header starts after magic (8), version (1) and header length (4);
        // its memory field sits 6 bytes in: ask for 4 GiB
        ByteBuffer.wrap(image).putInt(8 + 1 + 4 + 6, 4 * 1024 * 1024);
        var e = assertThrows(CorruptStoreException.class, () -> loadFromBytes(image, PASSWORD));
        assertTrue(e.getMessage().contains("memory"), e.getMessage());
        assertTrue(Argon2Params.MAX_MEMORY_KIB < 4 * 1024 * 1024);
    }

    @Test
    void liveFile_makesEveryChangeDurableAtOnce() throws Exception {
        Path file = dir.resolve("live.kms");
        KeyStore ks = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        ks.load(KmsLoadParameter.file(file, PASSWORD));
        ks.setKeyEntry("a", aes256(1), null, null);
        byte[] blob = wrap(ks, "a", aes256(5));
        ks.store(null); // nothing to do, and allowed: the file is already current

        KeyStore other = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        other.load(KmsLoadParameter.file(file, PASSWORD));
        assertEquals(List.of("a"), Collections.list(other.aliases()));
        assertArrayEquals(aes256(5).getEncoded(), unwrap(other, "a", blob));

        KeyStore wrong = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        var e = assertThrows(IOException.class, () -> wrong.load(KmsLoadParameter.file(file, "nope".toCharArray())));
        assertInstanceOf(UnrecoverableKeyException.class, e.getCause());
    }

    @Test
    void liveFile_passwordChangeKeepsEveryKey() throws Exception {
        Path file = dir.resolve("live.kms");
        var service = KeyStores.openFile(file, PASSWORD, Fixtures.cheapOptions());
        service.createKey("a", "");
        KeyStores.changePassword(service, "second".toCharArray());
        service.close();
        assertThrows(IOException.class, () -> KeyStores.openFile(file, PASSWORD, Fixtures.cheapOptions()));
        assertEquals(List.of("a"), KeyStores.openFile(file, "second".toCharArray(), Fixtures.cheapOptions()).listAliases().stream().map(KeyAlias::alias).toList());
    }

    @Test
    void inMemoryStore_refusesStoreWithoutAStream() throws Exception {
        KeyStore ks = emptyStore();
        assertThrows(UnsupportedOperationException.class, () -> ks.store(null));
        assertThrows(IOException.class, () -> ks.store(new ByteArrayOutputStream(), null));
    }

    @Test
    void keyGeneratedInsideTheProvider_isUsableButNeverSeen() throws Exception {
        var service = KeyStores.newInMemory(Fixtures.cheapOptions());
        KmsKeyHandle h = service.createKey("gen", "made inside");
        assertEquals(io.kmsjca.keys.KeyOrigin.GENERATED, service.describeKey("gen").origin());
        assertNull(h.getEncoded());
        KeyStore ks = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        ks.load(KmsLoadParameter.of(service));
        SecretKey dk = KeyGenerator.getInstance("AES").generateKey();
        assertArrayEquals(dk.getEncoded(), unwrap(ks, "gen", wrap(ks, "gen", dk)));
    }
}
