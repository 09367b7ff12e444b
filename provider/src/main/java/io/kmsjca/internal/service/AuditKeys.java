package io.kmsjca.internal.service;

import io.kmsjca.internal.model.MasterKey;

import io.kmsjca.internal.audit.AuditSigningKey;
import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.Arrays;

/**
 * The audit trail's keys, derived with HKDF-Expand-SHA256 from the store's provider-owned
 * {@value #PURPOSE} key: one MACs the lines of the audit log, one hashes encryption-context
 * values. Only someone who can open the store can verify, or forge, either. A third, the seed of
 * an Ed25519 key pair, signs checkpoints of the log's chain: its public key lets anyone verify
 * them without being able to sign (docs/audit.md, "Verifying without a secret"). Derived, never
 * stored, so every process sharing the store signs with the same key.
 */
public final class AuditKeys {

    static final String PURPOSE = "audit";

    final SecretBytes logMac;
    final byte[] contextHmac;
    final AuditSigningKey logSigning;

    private AuditKeys(SecretBytes logMac, byte[] contextHmac, AuditSigningKey logSigning) {
        this.logMac = logMac;
        this.contextHmac = contextHmac;
        this.logSigning = logSigning;
    }

    static AuditKeys derive(MasterKey owned) {
        byte[] material = owned.current().materialCopy();
        SecretBytes prk = new SecretBytes(material, "HmacSHA256");
        Arrays.fill(material, (byte) 0);
        try {
            Mac mac = Primitives.mac("HmacSHA256");
            mac.init(prk);
            byte[] log = Hkdf.expand(mac, "kms-jca/audit/v1/log-mac".getBytes(StandardCharsets.US_ASCII), 32);
            byte[] ctx = Hkdf.expand(mac, "kms-jca/audit/v1/context-hmac".getBytes(StandardCharsets.US_ASCII), 32);
            byte[] seed = Hkdf.expand(mac, "kms-jca/audit/v1/log-signing-ed25519".getBytes(StandardCharsets.US_ASCII), 32);
            AuditSigningKey signing;
            try {
                signing = AuditSigningKey.fromSeed(seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
            SecretBytes logKey = new SecretBytes(log, "HmacSHA256");
            Arrays.fill(log, (byte) 0);
            return new AuditKeys(logKey, ctx, signing);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        } finally {
            prk.destroy();
        }
    }
}
