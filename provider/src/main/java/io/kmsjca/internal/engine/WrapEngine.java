package io.kmsjca.internal.engine;

import io.kmsjca.internal.service.ServiceKeyHandle;
import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.service.KeyUse;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;

import io.kmsjca.internal.crypto.ConstantTime;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.audit.OperationStart;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.AEADBadTagException;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.UUID;

/**
 * The hot path of KMSWrap: seal and open one blob. One engine per {@code Cipher} or
 * {@code KeyGenerator} instance, holding its own JDK AES-GCM and HMAC, so a call takes no lock,
 * does no I/O and looks up no provider. Not thread-safe, like the JCA objects that own it.
 */
public final class WrapEngine implements MasterKeyOperations {

    private static final int TAG_BITS = WrappedKeyBlob.TAG_BYTES * 8;

    private final Cipher gcm = Primitives.aesGcm();
    private final Mac mac = Primitives.mac("HmacSHA256");
    /** The whole AAD as one update: the JDK's GCM buffers each update separately. */
    private byte[] aadScratch = new byte[WrappedKeyBlob.HEADER_BYTES + 2];

    /**
     * Fails, audited, if {@code handle}'s key may not be used now: lets {@code Cipher.init}
     * refuse a disabled key with the {@code InvalidKeyException} the JCA expects there.
     */
    @Override
    public void checkUsable(KmsKeyHandle handle, EncryptionContext context, AuditOperation op) throws InvalidKeyException {
        try {
            ServiceKeyHandle.serviceOf(handle).usableKey(handle, op, context);
        } catch (InvalidKeyException e) {
            recordFailure(null, handle, null, 0, op, e, context);
            throw e;
        }
    }

    /**
     * Seals {@code plaintext[off, off+len)} under the current version of {@code handle}'s key.
     *
     * @param aad the caller's extra AAD ({@code Cipher.updateAAD}), first {@code aadLen} bytes
     */
    @Override
    public byte[] seal(KmsKeyHandle handle, byte[] plaintext, int off, int len, EncryptionContext context,
                       byte[] aad, int aadLen, AuditOperation op) throws InvalidKeyException {
        OperationStart timed = OperationStart.begin();
        EmbeddedKeyService service = ServiceKeyHandle.serviceOf(handle);
        MasterKey key = null;
        try {
            key = service.usableKey(handle, op, context);
            byte[] blob = sealUnaudited(service.keyUse(), key, plaintext, off, len, context, aad, aadLen);
            service.auditRecorder().record(timed, op, key.id(), WrappedKeyBlob.keyVersion(blob), handle.alias(), null, context);
            return blob;
        } catch (InvalidKeyException | RuntimeException e) {
            recordFailure(timed, handle, key, 0, op, e, context);
            throw e;
        }
    }

    /**
     * Opens a blob made under {@code handle}'s key.
     *
     * @throws InvalidKeyException       the blob names another key, or a version that does not
     *                                   exist or may not decrypt, or the key may not be used now
     * @throws AEADBadTagException       the blob, the context or the AAD differ from sealing time
     * @throws IllegalBlockSizeException the blob is shorter or longer than any blob can be
     * @throws BadPaddingException       the blob is not a KMSWrap blob this code can read
     */
    @Override
    public byte[] open(KmsKeyHandle handle, byte[] blob, EncryptionContext context, byte[] aad, int aadLen,
                       AuditOperation op) throws GeneralSecurityException {
        OperationStart timed = OperationStart.begin();
        EmbeddedKeyService service = ServiceKeyHandle.serviceOf(handle);
        MasterKey key = null;
        try {
            WrappedKeyBlob.check(blob);
            UUID blobKey = WrappedKeyBlob.keyId(blob);
            if (!blobKey.equals(handle.keyId())) {
                throw new InvalidKeyException("blob was wrapped under key " + blobKey + ", not under key "
                        + handle.keyId() + "; unwrap it with the handle of key " + blobKey);
            }
            key = service.usableKey(handle, op, context);
            byte[] plaintext = openUnaudited(key, blob, context, aad, aadLen);
            service.auditRecorder().record(timed, op, key.id(), WrappedKeyBlob.keyVersion(blob), handle.alias(), null, context);
            return plaintext;
        } catch (GeneralSecurityException | RuntimeException e) {
            recordFailure(timed, handle, key, blob.length >= WrappedKeyBlob.OVERHEAD ? WrappedKeyBlob.keyVersion(blob) : 0,
                    op, e, context);
            throw e;
        }
    }

    /** A data key from the provider's generator, sealed under {@code handle}'s key (KMS GenerateDataKey). */
    @Override
    public byte[] generateDataKey(KmsKeyHandle handle, byte[] dataKey, EncryptionContext context, AuditOperation op)
            throws InvalidKeyException {
        KmsRandom.nextBytes(dataKey);
        return seal(handle, dataKey, 0, dataKey.length, context, null, 0, op);
    }

    @Override
    public boolean mayReuse(KmsKeyHandle handle, EncryptionContext context, int wrappedVersion) {
        return mayReuseEmbedded(handle, context, wrappedVersion);
    }

    /**
     * The embedded rule of reuse: the key may encrypt now and its current version is the one the
     * cached copy was wrapped under. Lock-free and without I/O: it reads the store's snapshot.
     */
    static boolean mayReuseEmbedded(KmsKeyHandle handle, EncryptionContext context, int wrappedVersion) {
        try {
            return ServiceKeyHandle.serviceOf(handle).usableKey(handle, AuditOperation.REUSE_CACHED_DATA_KEY, context)
                    .current().number() == wrappedVersion;
        } catch (InvalidKeyException unusable) {
            return false; // a fresh data key is refused for it, audited, with the reason (its state, or the caller's rights)
        }
    }

    /** Seals under {@code key}'s current version, already checked usable; counts the wrap. */
    public byte[] sealUnaudited(KeyUse use, MasterKey key, byte[] plaintext, int off, int len, EncryptionContext context,
                         byte[] aad, int aadLen) throws InvalidKeyException {
        if (len > WrappedKeyBlob.MAX_PLAINTEXT_BYTES) {
            throw new IllegalArgumentException("KMSWrap protects at most " + WrappedKeyBlob.MAX_PLAINTEXT_BYTES
                    + " bytes, got " + len);
        }
        KeyVersion version = key.current();
        KeyVersion.Lease lease = version.lease(key.id(), mac);
        byte[] blob = WrappedKeyBlob.newBlob(key.id(), version.number(), lease.key().salt,
                lease.key().commitment, lease.counter(), len);
        try {
            keyGcm(gcm, version, lease.key(), Cipher.ENCRYPT_MODE, new GCMParameterSpec(TAG_BITS, blob, WrappedKeyBlob.NONCE_OFFSET, WrappedKeyBlob.NONCE_BYTES));
            authenticate(lease.key().format, blob, context, aad, aadLen);
            gcm.doFinal(plaintext, off, len, blob, WrappedKeyBlob.HEADER_BYTES);
        } catch (InvalidKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM encryption failed", e);
        }
        use.wrapped(key, version, lease.sequence());
        return blob;
    }

    /** Opens a checked blob of {@code key}, already checked usable. */
    public byte[] openUnaudited(MasterKey key, byte[] blob, EncryptionContext context, byte[] aad, int aadLen)
            throws GeneralSecurityException {
        KeyVersion version = key.versionForUnwrap(WrappedKeyBlob.keyVersion(blob));
        DerivedKey derived = version.forBlob(key.id(), blob, mac);
        if (!ConstantTime.equals(derived.commitment, 0, blob, WrappedKeyBlob.COMMITMENT_OFFSET,
                WrappedKeyBlob.COMMITMENT_BYTES)) {
            throw new AEADBadTagException("key commitment does not match: the blob was altered");
        }
        keyGcm(gcm, version, derived, Cipher.DECRYPT_MODE,
                new GCMParameterSpec(TAG_BITS, blob, WrappedKeyBlob.NONCE_OFFSET, WrappedKeyBlob.NONCE_BYTES));
        authenticate(derived.format, blob, context, aad, aadLen);
        return gcm.doFinal(blob, WrappedKeyBlob.HEADER_BYTES, blob.length - WrappedKeyBlob.HEADER_BYTES);
    }

    /**
     * Keys the GCM cipher with a key derived from {@code version}, refused if the version was
     * wiped before (its wipe destroys its derived keys, so the JDK's cipher fails reading one, or
     * this request's key had left the cache and escaped the sweep): {@link KeyVersion#refuseIfWiped}.
     */
    static void keyGcm(Cipher gcm, KeyVersion version, DerivedKey key, int mode, GCMParameterSpec spec)
            throws GeneralSecurityException {
        try {
            gcm.init(mode, key.gcmKey, spec);
        } catch (IllegalStateException readingAWipedKey) {
            version.refuseIfWiped();
            throw readingAWipedKey;
        }
        version.refuseIfWiped();
    }

    /**
     * The GCM AAD (docs/FORMAT.md): version 2, the canonical encryption context and the caller's
     * AAD, or none at all when the context is empty and there is no caller's AAD (the header is
     * bound by the derived key and the commitment); version 1, the blob header before them. The
     * layout follows {@code format}, the derived key's, not a second read of the caller's array.
     */
    private void authenticate(int format, byte[] blob, EncryptionContext context, byte[] aad, int aadLen) {
        int header = format == WrappedKeyBlob.VERSION_1 ? WrappedKeyBlob.HEADER_BYTES : 0;
        if (header == 0 && context.isEmpty() && aadLen == 0) {
            return; // the JDK's GCM would buffer even an empty context's two bytes: a fifth of a wrap + unwrap
        }
        int n = header + context.encodedLength() + aadLen;
        if (aadScratch.length < n) {
            aadScratch = new byte[n];
        }
        System.arraycopy(blob, 0, aadScratch, 0, header);
        int end = context.copyEncodedTo(aadScratch, header);
        if (aadLen > 0) {
            System.arraycopy(aad, 0, aadScratch, end, aadLen);
        }
        gcm.updateAAD(aadScratch, 0, n);
    }

    private static void recordFailure(OperationStart timed, KmsKeyHandle handle, MasterKey key, int version,
                                      AuditOperation op, Exception error, EncryptionContext context) {
        if (handle instanceof ServiceKeyHandle ours) { // a handle made elsewhere names no store to audit in
            ours.service().auditRecorder().record(timed, op, key == null ? handle.keyId() : key.id(), version,
                    handle.alias(), error, context);
        }
    }
}
