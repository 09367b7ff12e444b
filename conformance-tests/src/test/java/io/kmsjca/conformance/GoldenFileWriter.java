package io.kmsjca.conformance;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

/**
 * Writes one format version's golden files, once, when that version is introduced:
 * {@code java -cp <test class path> io.kmsjca.conformance.GoldenFileWriter conformance-tests/src/test/resources/golden/v1}.
 * Never rerun for an existing version: {@link GoldenFilesTest} must keep reading the committed bytes.
 */
public final class GoldenFileWriter {

    static final String PASSWORD = "golden-password";
    static final String ALIAS = "golden";
    /** The second recipient of the signed envelope (from envelope-v2 on). */
    static final String SECOND_ALIAS = "golden-2";
    static final Map<String, String> CONTEXT = Map.of("purpose", "golden-file");
    static final byte[] DATA_KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final String PAYLOAD = "kms-jca golden payload";
    /** The key policy of the golden key from access-v3 on: everyone may, but mallory may not decrypt. */
    static final String POLICY = """
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"},
              {"Sid": "NotMallory", "Effect": "Deny", "Principal": {"AWS": "mallory"}, "Action": "kms:Decrypt", "Resource": "*"}]}""";
    /** The grantee of the golden key's grant from access-v3 on. */
    static final String GRANTEE = "golden-grantee";

    /** 40,000 bytes (two full chunks and a short one) of a fixed pattern. */
    static byte[] envelopePayload() {
        byte[] p = new byte[40_000];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 7 + (i >>> 8));
        }
        return p;
    }

    /** Message {@code n} of the cached data key (from envelope-v4 on): two full chunks and a short one, its own bytes. */
    static byte[] cachedPayload(int n) {
        byte[] p = envelopePayload();
        for (int i = 0; i < p.length; i++) {
            p[i] ^= (byte) (n + 1);
        }
        return p;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        // every operation below is also recorded in a signed audit log, frozen with the rest
        // audit-v3: audit log format 2, written by the asynchronous delivery: one MAC per write
        boolean batched = dir.endsWith("audit-v3");
        io.kmsjca.audit.AuditOptions audit = io.kmsjca.audit.AuditOptions.DEFAULTS.withListeners(false, java.util.List.of(), false)
                .withFile(dir.resolve("audit.jsonl"), true, 1 << 20);
        if (batched) {
            audit = audit.withDelivery(io.kmsjca.audit.AuditOptions.Delivery.ASYNC, 8192, io.kmsjca.audit.AuditOptions.WhenFull.BLOCK);
        }
        KeyService service = KeyStores.newInMemory(KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withAudit(audit));
        KmsKeyHandle key = service.createKey(ALIAS, "golden file key");
        Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
        c.init(Cipher.WRAP_MODE, key, new KmsEncryptionContextSpec(CONTEXT));
        Files.write(dir.resolve("wrapped-key.bin"), c.wrap(new SecretKeySpec(DATA_KEY, "AES")));
        c.init(Cipher.ENCRYPT_MODE, key);
        Files.write(dir.resolve("encrypted.bin"), c.doFinal(PAYLOAD.getBytes(StandardCharsets.UTF_8)));
        Cipher envelope = Cipher.getInstance("KMSEnvelope", new KmsProvider());
        envelope.init(Cipher.ENCRYPT_MODE, key, io.kmsjca.provider.KmsEnvelopeSpec.withContext(CONTEXT));
        Files.write(dir.resolve("envelope.bin"), envelope.doFinal(envelopePayload()));
        // envelope-v2: a signed KMSEnvelope v2 message to two master keys
        KmsKeyHandle second = service.createKey(SECOND_ALIAS, "second golden file key");
        envelope.init(Cipher.ENCRYPT_MODE, io.kmsjca.keys.KmsKeyRing.of(key, second),
                io.kmsjca.provider.KmsEnvelopeSpec.withContext(CONTEXT).signed());
        Files.write(dir.resolve("envelope-signed.bin"), envelope.doFinal(envelopePayload()));
        // envelope-v4: two KMSEnvelope v4 messages of one cached data key, numbered 0 and 1
        var cache = new io.kmsjca.keys.DataKeyCache(10, 1 << 20, java.time.Duration.ofMinutes(5));
        for (int n = 0; n < 2; n++) {
            envelope.init(Cipher.ENCRYPT_MODE, key, io.kmsjca.provider.KmsEnvelopeSpec.withContext(CONTEXT).withDataKeyCache(cache));
            Files.write(dir.resolve("envelope-cached-" + n + ".bin"), envelope.doFinal(cachedPayload(n)));
        }
        if (dir.endsWith("access-v3")) { // record payload v3: a key policy and a grant in the key's record
            service.putKeyPolicy(ALIAS, POLICY, false);
            service.createGrant(ALIAS, io.kmsjca.keys.GrantRequest.to(GRANTEE,
                    java.util.Set.of(io.kmsjca.keys.GrantOperation.Decrypt)).contextSubset(CONTEXT).name("golden"));
        }
        if (batched) { // requests faster than the audit thread's naps: writes of many lines
            c.init(Cipher.WRAP_MODE, key, new KmsEncryptionContextSpec(CONTEXT));
            for (int i = 0; i < 200; i++) {
                c.wrap(new SecretKeySpec(DATA_KEY, "AES"));
            }
        }
        try (OutputStream out = Files.newOutputStream(dir.resolve("store.kms"))) {
            KeyStores.write(service, out, PASSWORD.toCharArray());
        }
        Files.writeString(dir.resolve("key-id.txt"), key.keyId() + "\n");
        // audit-v2: the log's Ed25519 signature records, and the public key an auditor verifies them with
        Files.writeString(dir.resolve("audit-key.pem"), service.auditLogVerificationKey().toPem());
        service.close(); // signs the end of the log
        if (batched && Files.readAllLines(dir.resolve("audit.jsonl")).stream().allMatch(l -> l.contains(",\"mac\":\""))) {
            throw new IllegalStateException("no write of more than one line: write the generation again");
        }
    }
}
