package io.kmsjca.internal.service;

import io.kmsjca.internal.engine.WrapEngine;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.ReEncryptResult;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * KMS ReEncrypt for {@link EmbeddedKeyService#reEncrypt}: opens a blob with the key it names and seals
 * its data key again under another key (or the newest version), inside the provider, as one
 * audited request (RE_ENCRYPT, with both keys).
 */
public final class ReEncryption {

    private final KeyRegistry registry;
    private final KeyUse use;
    private final AuditDispatcher audit;

    ReEncryption(KeyRegistry registry, KeyUse use, AuditDispatcher audit) {
        this.registry = registry;
        this.use = use;
        this.audit = audit;
    }

    /** Each blob succeeds or fails on its own. */
    List<ReEncryptResult> all(List<byte[]> blobs, EncryptionContext source, String destinationKey,
                              EncryptionContext destination) {
        WrapEngine engine = new WrapEngine();
        List<ReEncryptResult> results = new ArrayList<>(blobs.size());
        for (byte[] blob : blobs) {
            try {
                results.add(new ReEncryptResult(one(engine, blob, source, destinationKey, destination), null));
            } catch (GeneralSecurityException e) {
                results.add(new ReEncryptResult(null, e));
            }
        }
        return results;
    }

    byte[] one(WrapEngine engine, byte[] blob, EncryptionContext source, String destinationKey,
                             EncryptionContext destination) throws GeneralSecurityException {
        UUID sourceId = null;
        int sourceVersion = 0;
        MasterKey target = null;
        try {
            WrappedKeyBlob.check(blob);
            sourceId = WrappedKeyBlob.keyId(blob);
            sourceVersion = WrappedKeyBlob.keyVersion(blob);
            MasterKey from = use.usableKey(sourceId, null, AuditOperation.RE_ENCRYPT, source);
            target = destinationKey == null ? from : registry.lookup(destinationKey)
                    .orElseThrow(() -> new InvalidKeyException("no key with alias or id '" + destinationKey + "'"));
            target = use.usableState(target.id(), null);
            use.authorize(target, "kms:ReEncryptTo", destination); // the rights first: a refusal tells no one else the key's spec
            target.requireSymmetric("re-encrypt blobs");
            byte[] dataKey = engine.openUnaudited(from, blob, source, null, 0);
            try {
                byte[] moved = engine.sealUnaudited(use, target, dataKey, 0, dataKey.length, destination, null, 0);
                audit.record(AuditOperation.RE_ENCRYPT, sourceId, sourceVersion, null, null, source,
                        target.id(), target.current().number());
                return moved;
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            audit.record(AuditOperation.RE_ENCRYPT, sourceId, sourceVersion, null, e, source,
                    target == null ? null : target.id(), 0);
            throw e;
        }
    }
}
