package io.kmsjca.keys;

import io.kmsjca.format.EncryptionContext;
import io.kmsjca.format.WrappedKeyBlob;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.UUID;

/**
 * KMS ReEncrypt for {@link KeyService#reEncrypt}: opens a blob with the key it names and seals
 * its data key again under another key (or the newest version), inside the provider, as one
 * audited request (RE_ENCRYPT, with both keys).
 */
final class ReEncryption {

    private final KeyService service;

    ReEncryption(KeyService service) {
        this.service = service;
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
            MasterKey from = service.usableKey(sourceId);
            target = destinationKey == null ? from : service.usableKey(service.registry().lookup(destinationKey)
                    .orElseThrow(() -> new InvalidKeyException("no key with alias or id '" + destinationKey + "'")).id());
            byte[] dataKey = engine.openUnaudited(from, blob, source, null, 0);
            try {
                byte[] moved = engine.sealUnaudited(service, target, dataKey, 0, dataKey.length, destination, null, 0);
                service.auditRecorder().record(AuditOperation.RE_ENCRYPT, sourceId, sourceVersion, null, null, source,
                        target.id(), target.current().number());
                return moved;
            } finally {
                Arrays.fill(dataKey, (byte) 0);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            service.auditRecorder().record(AuditOperation.RE_ENCRYPT, sourceId, sourceVersion, null, e, source,
                    target == null ? null : target.id(), 0);
            throw e;
        }
    }
}
