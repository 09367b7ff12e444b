package io.kmsjca.internal.remote;

import io.kmsjca.internal.engine.MasterKeyOperations;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;

/**
 * A kms-jca server's keys as the JCA services use them: KMS Encrypt, Decrypt, GenerateDataKey and
 * GenerateDataKeyWithoutPlaintext, one request each. The blobs are the server's KMSWrap blobs, the
 * format the embedded store writes, so either side opens the other's. No AAD (the AWS API has
 * none); nothing is audited here: the server audits each request, as its principal.
 * Thread-safe: one per server connection, shared by its handles.
 */
final class RemoteKeyOperations implements MasterKeyOperations, io.kmsjca.internal.engine.RemoteMacOperations {

    private final KmsHttpClient client;
    private final RemoteMacs macs;
    private volatile boolean closed;

    RemoteKeyOperations(KmsHttpClient client) {
        this.client = client;
        this.macs = new RemoteMacs(client);
    }

    /** KMS GenerateMac for the JCA {@code Mac} of a remote HMAC key's handle. */
    @Override
    public byte[] generateMac(KmsKeyHandle key, byte[] message, io.kmsjca.keys.MacAlgorithm algorithm)
            throws java.security.GeneralSecurityException {
        checkUsable(key, EncryptionContext.EMPTY, io.kmsjca.spi.audit.AuditOperation.GENERATE_MAC);
        return macs.generateMac(key.keyId().toString(), message, algorithm);
    }

    /** DescribeKey: the MAC algorithm of a remote HMAC key, for {@code Mac.init} (none for another key). */
    @Override
    public java.util.List<io.kmsjca.keys.MacAlgorithm> macAlgorithms(KmsKeyHandle key) throws InvalidKeyException {
        checkUsable(key, EncryptionContext.EMPTY, io.kmsjca.spi.audit.AuditOperation.GENERATE_MAC);
        try {
            return macs.macAlgorithms(key.keyId().toString());
        } catch (java.security.KeyStoreException e) {
            throw (InvalidKeyException) new InvalidKeyException(e.getMessage()).initCause(e);
        }
    }

    String url() {
        return client.url();
    }

    void close() {
        closed = true;
    }

    /** Only what can be told without a request: a request per {@code Cipher.init} would cost what a cache saves. */
    @Override
    public void checkUsable(KmsKeyHandle key, EncryptionContext context, AuditOperation op) throws InvalidKeyException {
        if (key.isDestroyed()) {
            throw new InvalidKeyException("key handle " + key.keyId() + " was destroyed");
        }
        if (closed) {
            throw new InvalidKeyException("the connection to kms-jca server " + url() + " of key " + key.keyId() + " was closed");
        }
    }

    @Override
    public byte[] seal(KmsKeyHandle key, byte[] plaintext, int off, int len, EncryptionContext context, byte[] aad,
                       int aadLen, AuditOperation op) throws InvalidKeyException {
        checkUsable(key, context, op);
        refuseAad(key, aadLen);
        if (len > WrappedKeyBlob.MAX_PLAINTEXT_BYTES) {
            throw new IllegalArgumentException("KMSWrap protects at most " + WrappedKeyBlob.MAX_PLAINTEXT_BYTES
                    + " bytes, got " + len);
        }
        byte[] body = new JsonBody().string("KeyId", key.keyId().toString()).blob("Plaintext", plaintext, off, len)
                .map("EncryptionContext", context.pairs()).toBytes();
        try {
            Fields r = fields("Encrypt", client.call("Encrypt", body));
            return blobOf(key, r, len);
        } catch (RemoteFailure f) {
            throw RemoteErrors.keyUse(f, "kms:Encrypt", key);
        }
    }

    @Override
    public byte[] open(KmsKeyHandle key, byte[] blob, EncryptionContext context, byte[] aad, int aadLen,
                       AuditOperation op) throws GeneralSecurityException {
        WrappedKeyBlob.check(blob); // the embedded mode's refusals of a malformed blob, before any request
        if (!WrappedKeyBlob.keyId(blob).equals(key.keyId())) {
            throw new InvalidKeyException("blob was wrapped under key " + WrappedKeyBlob.keyId(blob) + ", not under key "
                    + key.keyId() + "; unwrap it with the handle of key " + WrappedKeyBlob.keyId(blob));
        }
        checkUsable(key, context, op);
        refuseAad(key, aadLen);
        byte[] body = new JsonBody().string("KeyId", key.keyId().toString()).blob("CiphertextBlob", blob, 0, blob.length)
                .map("EncryptionContext", context.pairs()).toBytes();
        byte[] plaintext = null;
        try {
            Fields r = fields("Decrypt", client.call("Decrypt", body));
            plaintext = r.blob("Plaintext");
            UUID answeredFor = r.keyId("KeyId");
            if (!answeredFor.equals(key.keyId())) { // not the answer to this request: its plaintext is not this blob's
                throw RemoteFailure.protocol(url(), "Decrypt", "the plaintext of another key, " + answeredFor
                        + ", for a blob of key " + key.keyId());
            }
            if (plaintext.length != WrappedKeyBlob.plaintextLength(blob)) {
                throw RemoteFailure.protocol(url(), "Decrypt", "a plaintext of " + plaintext.length
                        + " bytes for a blob of " + WrappedKeyBlob.plaintextLength(blob));
            }
            return plaintext;
        } catch (RemoteFailure f) {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
            throw RemoteErrors.opening(f, key);
        }
    }

    @Override
    public byte[] generateDataKey(KmsKeyHandle key, byte[] dataKey, EncryptionContext context, AuditOperation op)
            throws InvalidKeyException {
        checkUsable(key, context, op);
        boolean withoutPlaintext = op == AuditOperation.GENERATE_DATA_KEY_WITHOUT_PLAINTEXT;
        String operation = withoutPlaintext ? "GenerateDataKeyWithoutPlaintext" : "GenerateDataKey";
        byte[] body = new JsonBody().string("KeyId", key.keyId().toString()).number("NumberOfBytes", dataKey.length)
                .map("EncryptionContext", context.pairs()).toBytes();
        byte[] plaintext = null;
        try {
            Fields r = fields(operation, client.call(operation, body));
            byte[] blob = blobOf(key, r, dataKey.length);
            if (!withoutPlaintext) {
                plaintext = r.blob("Plaintext");
                if (plaintext.length != dataKey.length) {
                    throw RemoteFailure.protocol(url(), operation, "a data key of " + plaintext.length + " bytes, not "
                            + dataKey.length);
                }
                System.arraycopy(plaintext, 0, dataKey, 0, dataKey.length);
            }
            return blob;
        } catch (RemoteFailure f) {
            throw RemoteErrors.keyUse(f, "kms:" + operation, key);
        } finally {
            if (plaintext != null) {
                Arrays.fill(plaintext, (byte) 0);
            }
        }
    }

    /** Within the cache's limits: the server cannot be asked without the request a cache saves. */
    @Override
    public boolean mayReuse(KmsKeyHandle key, EncryptionContext context, int wrappedVersion) {
        return !closed && !key.isDestroyed();
    }

    private Fields fields(String operation, Map<String, Object> json) {
        return new Fields(json, url(), operation);
    }

    /**
     * The response's CiphertextBlob: a KMSWrap blob of {@code key} wrapping {@code length} bytes, or
     * the server is not what it claims.
     */
    private byte[] blobOf(KmsKeyHandle key, Fields r, int length) throws RemoteFailure {
        byte[] blob = r.blob("CiphertextBlob");
        try {
            WrappedKeyBlob.check(blob);
        } catch (GeneralSecurityException e) {
            throw RemoteFailure.protocol(url(), "a request on key " + key.keyId(), "a CiphertextBlob that is not a "
                    + "KMSWrap blob: " + e.getMessage());
        }
        if (!WrappedKeyBlob.keyId(blob).equals(key.keyId())) {
            throw RemoteFailure.protocol(url(), "a request on key " + key.keyId(), "a blob of another key, "
                    + WrappedKeyBlob.keyId(blob));
        }
        if (WrappedKeyBlob.plaintextLength(blob) != length) {
            throw RemoteFailure.protocol(url(), "a request on key " + key.keyId(), "a blob wrapping "
                    + WrappedKeyBlob.plaintextLength(blob) + " bytes, not " + length);
        }
        return blob;
    }

    private void refuseAad(KmsKeyHandle key, int aadLen) throws InvalidKeyException {
        if (aadLen > 0) {
            throw new InvalidKeyException("a kms-jca server's key (" + key + ") takes no AAD: the AWS KMS API has none; "
                    + "bind the data to the encryption context instead");
        }
    }
}
