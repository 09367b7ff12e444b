package io.kmsjca.conformance;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.file.StoreImage;

import javax.crypto.Cipher;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Frozen files of every format generation (store, wrapped key, KMSWrap ciphertext), each written
 * once by {@link GoldenFileWriter}. Every later release must still read them, byte for byte.
 * <ul>
 *   <li>{@code v1}: store image v1, record payload v1, blob v1;</li>
 *   <li>{@code v1-payload2}: store image v1, record payload v2 (rotation, tags, version states), blob v1;</li>
 *   <li>{@code envelope-v1}: as v1-payload2, plus a KMSEnvelope v1 message;</li>
 *   <li>{@code audit-v1}: as envelope-v1, plus the signed JSON Lines audit log of the writing;</li>
 *   <li>{@code envelope-v2}: as audit-v1, plus a signed KMSEnvelope v2 message to two master keys;</li>
 *   <li>{@code record-v2}: as audit-v1, with every record sealed in version 2 (a key per record);</li>
 *   <li>{@code audit-v2}: as envelope-v2 and record-v2, with the audit log's Ed25519 signature records and
 *       the public key ({@code audit-key.pem}) that verifies them.</li>
 *   <li>{@code access-v3}: as audit-v2, with a key policy and a grant on the golden key (record payload v3).</li>
 *   <li>{@code audit-v3}: as audit-v2 (and the records of its day), its audit log in format 2: written by the
 *       asynchronous delivery, each write of several records announced by a MACed write record, and MACed again
 *       only on its last line.</li>
 *   <li>{@code envelope-v3}: as audit-v3 with synchronous audit, its {@code envelope.bin} a KMSEnvelope version 3
 *       message: no header tag, the body's commitment over SHA-256 of the header authenticates it.</li>
 *   <li>{@code envelope-v4}: as envelope-v3, plus {@code envelope-cached-0.bin} and {@code envelope-cached-1.bin}:
 *       two KMSEnvelope version 4 messages of one cached data key, numbered 0 and 1.</li>
 *   <li>{@code wrap-v2}: as envelope-v4, every KMSWrap blob in it version 2 (the header bound by the derived key,
 *       not the GCM AAD): {@code wrapped-key.bin} with a context, {@code encrypted.bin} with none (no AAD at all),
 *       and the data keys inside the envelopes.</li>
 * </ul>
 */
class GoldenFilesTest {

    static java.util.stream.Stream<Path> generations() {
        return java.util.stream.Stream.of("v1", "v1-payload2", "envelope-v1", "audit-v1", "envelope-v2", "record-v2",
                        "audit-v2", "access-v3", "audit-v3", "envelope-v3", "envelope-v4", "wrap-v2")
                .map(g -> Path.of("src/test/resources/golden", g));
    }

    private static KeyStore store(Path dir) throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
        try (InputStream in = Files.newInputStream(dir.resolve("store.kms"))) {
            ks.load(in, GoldenFileWriter.PASSWORD.toCharArray());
        }
        return ks;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("generations")
    void wrappedKey_unwrapsFromItsStore(Path dir) throws Exception {
        KmsKeyHandle key = (KmsKeyHandle) store(dir).getKey(GoldenFileWriter.ALIAS, null);
        assertEquals(UUID.fromString(Files.readString(dir.resolve("key-id.txt")).strip()), key.keyId());
        byte[] blob = Files.readAllBytes(dir.resolve("wrapped-key.bin"));
        assertEquals(key.keyId(), WrappedKeyBlob.keyId(blob));
        assertEquals(1, WrappedKeyBlob.keyVersion(blob));
        assertEquals(dir.endsWith("wrap-v2") ? 2 : 1, blob[4], "the version its generation wrote");
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.UNWRAP_MODE, key, new KmsEncryptionContextSpec(GoldenFileWriter.CONTEXT));
        assertArrayEquals(GoldenFileWriter.DATA_KEY, c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("generations")
    void ciphertext_decrypts(Path dir) throws Exception {
        KmsKeyHandle key = (KmsKeyHandle) store(dir).getKey(GoldenFileWriter.ALIAS, null);
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.DECRYPT_MODE, key);
        byte[] plaintext = c.doFinal(Files.readAllBytes(dir.resolve("encrypted.bin")));
        assertEquals(GoldenFileWriter.PAYLOAD, new String(plaintext, StandardCharsets.UTF_8));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"audit-v1", "record-v2", "audit-v2", "audit-v3", "envelope-v3",
            "envelope-v4", "wrap-v2"})
    void auditLog_verifiesWithItsStoresKey(String generation) throws Exception {
        Path dir = Path.of("src/test/resources/golden", generation);
        var keys = io.kmsjca.provider.KmsKeyStores.keyService(store(dir), GoldenFileWriter.PASSWORD.toCharArray());
        var report = keys.auditLogVerifier().verify(dir.resolve("audit.jsonl"));
        assertTrue(report.intact(), report.detail());
        assertTrue(report.records() >= 5, report.detail());
        assertTrue(Files.readString(dir.resolve("audit.jsonl")).contains("\"operation\":\"WRAP_KEY\""));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"audit-v1", "record-v2"})
    void auditLogFromBeforeSignatures_verifiesWithTheStore_andIsUnsignedToThePublicKey(String generation) throws Exception {
        Path dir = Path.of("src/test/resources/golden", generation);
        var keys = io.kmsjca.provider.KmsKeyStores.keyService(store(dir), GoldenFileWriter.PASSWORD.toCharArray());
        var withStore = keys.auditLogVerifier().verify(dir.resolve("audit.jsonl"));
        assertTrue(withStore.intact(), withStore.detail());
        assertEquals(0, withStore.signatures());
        var auditor = new io.kmsjca.audit.PublicKeyAuditLogVerifier(keys.auditLogVerificationKey())
                .verify(dir.resolve("audit.jsonl"));
        assertEquals(io.kmsjca.audit.AuditLogVerifier.Problem.UNSIGNED, auditor.problem(), auditor.detail());
        assertEquals(withStore.records(), auditor.records(), "the chain itself holds");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"audit-v2", "audit-v3", "envelope-v3", "envelope-v4", "wrap-v2"})
    void signedAuditLog_verifiesWithTheFrozenPublicKeyAlone(String generation) throws Exception {
        Path dir = Path.of("src/test/resources/golden", generation);
        var key = io.kmsjca.audit.AuditVerificationKey.fromPem(Files.readString(dir.resolve("audit-key.pem")));
        var report = new io.kmsjca.audit.PublicKeyAuditLogVerifier(key).verify(dir.resolve("audit.jsonl"));
        assertTrue(report.intact(), report.detail());
        assertTrue(report.signatures() >= 1, report.detail());
        assertEquals(report.lastSeq(), report.lastSignedSeq(), "the writer's close signed the end");
        var keys = io.kmsjca.provider.KmsKeyStores.keyService(store(dir), GoldenFileWriter.PASSWORD.toCharArray());
        assertEquals(key, keys.auditLogVerificationKey(), "the store derives the same key as when it was frozen");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"envelope-v1", "audit-v1", "record-v2", "audit-v2", "audit-v3",
            "envelope-v3", "envelope-v4", "wrap-v2"})
    void envelope_decrypts(String generation) throws Exception {
        Path dir = Path.of("src/test/resources/golden", generation);
        KmsKeyHandle key = (KmsKeyHandle) store(dir).getKey(GoldenFileWriter.ALIAS, null);
        Cipher c = Cipher.getInstance("KMSEnvelope", new KmsProvider());
        c.init(Cipher.DECRYPT_MODE, key, io.kmsjca.provider.KmsEnvelopeSpec.withContext(GoldenFileWriter.CONTEXT));
        byte[] message = Files.readAllBytes(dir.resolve("envelope.bin"));
        assertArrayEquals("KMSE".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(message, 4));
        assertEquals(generation.matches("envelope-v[34]|wrap-v2") ? 3 : 1, message[4],
                "the version its generation wrote");
        assertArrayEquals(GoldenFileWriter.envelopePayload(), c.doFinal(message));
    }

    /** Version 4: two messages of one cached data key, one derivation, numbered 0 and 1, each its own plaintext. */
    @org.junit.jupiter.api.Test
    void envelopeV4_cachedMessages_decryptUnderTheirNumbers() throws Exception {
        Path dir = Path.of("src/test/resources/golden/envelope-v4");
        KmsKeyHandle key = (KmsKeyHandle) store(dir).getKey(GoldenFileWriter.ALIAS, null);
        byte[][] messages = new byte[2][];
        for (int n = 0; n < 2; n++) {
            messages[n] = Files.readAllBytes(dir.resolve("envelope-cached-" + n + ".bin"));
            int h = io.kmsjca.internal.format.EnvelopeHeader.length(messages[n], messages[n].length);
            assertEquals(4, messages[n][4]);
            assertEquals(n, java.nio.ByteBuffer.wrap(messages[n], h + 56, 4).getInt(), "its number, after salt and commitment");
            Cipher c = Cipher.getInstance("KMSEnvelope", new KmsProvider());
            c.init(Cipher.DECRYPT_MODE, key, io.kmsjca.provider.KmsEnvelopeSpec.withContext(GoldenFileWriter.CONTEXT));
            assertArrayEquals(GoldenFileWriter.cachedPayload(n), c.doFinal(messages[n]));
        }
        int h = io.kmsjca.internal.format.EnvelopeHeader.length(messages[0], messages[0].length);
        assertArrayEquals(Arrays.copyOf(messages[0], h + 56), Arrays.copyOf(messages[1], h + 56),
                "one header, salt and commitment for the cached key");
    }

    /**
     * KMSWrap version 2: the ciphertext of no context and no AAD, and the envelopes' data keys, are
     * version-2 blobs and read; each, relabelled as version 1, is refused (another label, so
     * another derived key and commitment).
     */
    @org.junit.jupiter.api.Test
    void wrapV2_blobsRead_andRelabelledAsVersion1_areRefused() throws Exception {
        Path dir = Path.of("src/test/resources/golden/wrap-v2");
        KmsKeyHandle key = (KmsKeyHandle) store(dir).getKey(GoldenFileWriter.ALIAS, null);
        byte[] encrypted = Files.readAllBytes(dir.resolve("encrypted.bin"));
        assertEquals(2, encrypted[4]);
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.DECRYPT_MODE, key);
        assertEquals(GoldenFileWriter.PAYLOAD, new String(c.doFinal(encrypted), StandardCharsets.UTF_8));
        encrypted[4] = 1;
        assertThrows(javax.crypto.AEADBadTagException.class, () -> c.doFinal(encrypted));
        byte[] message = Files.readAllBytes(dir.resolve("envelope.bin"));
        int wrapped = indexOf(message, WrappedKeyBlob.MAGIC);
        assertEquals(2, message[wrapped + 4], "the envelope's data key is wrapped in version 2");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    /** A version 1 message with its tag cut off and its version byte set to 3 does not pass as version 3. */
    @org.junit.jupiter.api.Test
    void envelopeV1_withoutItsTag_relabelledAsVersion3_isRejected() throws Exception {
        Path dir = Path.of("src/test/resources/golden/envelope-v1");
        KmsKeyHandle key = (KmsKeyHandle) store(dir).getKey(GoldenFileWriter.ALIAS, null);
        byte[] message = Files.readAllBytes(dir.resolve("envelope.bin"));
        int h = io.kmsjca.internal.format.EnvelopeHeader.length(message, message.length);
        int tag = io.kmsjca.internal.format.EnvelopeHeader.TAG_BYTES;
        byte[] relabelled = new byte[message.length - tag];
        System.arraycopy(message, 0, relabelled, 0, h - tag);
        System.arraycopy(message, h, relabelled, h - tag, message.length - h);
        relabelled[4] = 3;
        Cipher c = Cipher.getInstance("KMSEnvelope", new KmsProvider());
        c.init(Cipher.DECRYPT_MODE, key, io.kmsjca.provider.KmsEnvelopeSpec.withContext(GoldenFileWriter.CONTEXT));
        var e = assertThrows(javax.crypto.AEADBadTagException.class, () -> c.doFinal(relabelled));
        assertTrue(e.getMessage().contains("commitment"), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void envelopeV2Signed_decryptsWithEitherRecipient_andVerifiesItsSigner() throws Exception {
        Path dir = Path.of("src/test/resources/golden/envelope-v2");
        KeyStore ks = store(dir);
        byte[] message = Files.readAllBytes(dir.resolve("envelope-signed.bin"));
        assertArrayEquals("KMSE".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(message, 4));
        assertEquals(2, message[4], "version 2: signed");
        for (String alias : new String[] {GoldenFileWriter.ALIAS, GoldenFileWriter.SECOND_ALIAS}) {
            Cipher c = Cipher.getInstance("KMSEnvelope", new KmsProvider());
            c.init(Cipher.DECRYPT_MODE, ks.getKey(alias, null),
                    io.kmsjca.provider.KmsEnvelopeSpec.withContext(GoldenFileWriter.CONTEXT).signed());
            assertArrayEquals(GoldenFileWriter.envelopePayload(), c.doFinal(message), alias);
        }
        byte[] altered = message.clone();
        altered[altered.length - 1] ^= 1;
        Cipher c = Cipher.getInstance("KMSEnvelope", new KmsProvider());
        c.init(Cipher.DECRYPT_MODE, ks.getKey(GoldenFileWriter.SECOND_ALIAS, null));
        assertThrows(javax.crypto.AEADBadTagException.class, () -> c.doFinal(altered));
        // the unsigned message of the same generation still reads
        c.init(Cipher.DECRYPT_MODE, ks.getKey(GoldenFileWriter.ALIAS, null));
        assertArrayEquals(GoldenFileWriter.envelopePayload(), c.doFinal(Files.readAllBytes(dir.resolve("envelope.bin"))));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("generations")
    void records_areSealedInTheirGenerationsVersion(Path dir) throws Exception {
        byte[] image = Files.readAllBytes(dir.resolve("store.kms"));
        // the records as stored, not yet authenticated: hand the image its own tag
        var records = StoreImage.decode(image, (data, off, len) -> Arrays.copyOfRange(image, image.length - 32, image.length))
                .records();
        assertFalse(records.isEmpty());
        boolean v2 = dir.endsWith("record-v2") || dir.endsWith("audit-v2") || dir.endsWith("access-v3")
                || dir.endsWith("audit-v3") || dir.endsWith("envelope-v3") || dir.endsWith("envelope-v4") || dir.endsWith("wrap-v2"); // from record-v2 on
        for (var r : records) {
            boolean magic = Arrays.equals("KMSS".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(r.sealed(), 4));
            assertEquals(v2, magic && r.sealed()[4] == 2, r.keyId() + " in " + dir);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("generations")
    void store_startsWithTheDocumentedMagicAndVersion(Path dir) throws Exception {
        byte[] image = Files.readAllBytes(dir.resolve("store.kms"));
        assertArrayEquals("KMSJCAKS".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(image, 8));
        assertEquals(1, image[8]);
    }

    @org.junit.jupiter.api.Test
    void auditV3_isWritesOfManyLines_eachMacedOnItsLastLine_andEveryRecordCounts() throws Exception {
        Path dir = Path.of("src/test/resources/golden", "audit-v3");
        java.util.List<String> lines = Files.readAllLines(dir.resolve("audit.jsonl"), StandardCharsets.UTF_8);
        long withoutMac = lines.stream().filter(l -> !l.matches(".*,\"mac\":\"[0-9a-f]{64}\"}")).count();
        assertTrue(withoutMac > 50, "format 2: most lines are covered by a later line's MAC (" + withoutMac + ")");
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\{\"seq\":\\d+,\"prev\":\"[0-9a-f]{64}\",\"record\":\"write\",\"lines\":\\d+,.*")),
                "a write of several records starts with the record that announces them");
        assertTrue(lines.get(lines.size() - 1).contains(",\"mac\":\""), "a write ends in its MAC");
        var keys = io.kmsjca.provider.KmsKeyStores.keyService(store(dir), GoldenFileWriter.PASSWORD.toCharArray());
        var report = keys.auditLogVerifier().verify(dir.resolve("audit.jsonl"));
        assertTrue(report.intact(), report.detail());
        assertEquals(lines.size(), report.records(), "every line is a record a MAC covers: " + report.detail());
        assertFalse(report.tornTail(), report.detail());
    }

    @org.junit.jupiter.api.Test
    void accessV3_keepsItsKeyPolicyAndGrant_andTheyStillDecide() throws Exception {
        Path dir = Path.of("src/test/resources/golden", "access-v3");
        KeyStore ks = store(dir);
        io.kmsjca.keys.KeyService keys = io.kmsjca.provider.KmsAdmin.open(ks, GoldenFileWriter.PASSWORD.toCharArray());
        assertEquals(GoldenFileWriter.POLICY, keys.getKeyPolicy(GoldenFileWriter.ALIAS));
        var grants = keys.listGrants(GoldenFileWriter.ALIAS);
        assertEquals(1, grants.size());
        assertEquals(GoldenFileWriter.GRANTEE, grants.get(0).granteePrincipal());
        assertEquals(java.util.Set.of(io.kmsjca.keys.GrantOperation.Decrypt), grants.get(0).operations());
        assertEquals(GoldenFileWriter.CONTEXT, grants.get(0).encryptionContextSubset());
        KmsKeyHandle key = (KmsKeyHandle) ks.getKey(GoldenFileWriter.ALIAS, null);
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        try (var as = io.kmsjca.audit.KmsAuditContext.runAs("mallory")) {
            var refused = assertThrows(io.kmsjca.keys.KeyUseDeniedException.class,
                    () -> c.init(Cipher.UNWRAP_MODE, key, new KmsEncryptionContextSpec(GoldenFileWriter.CONTEXT)));
            assertEquals("NotMallory", refused.denial().statementId());
        }
    }
}
