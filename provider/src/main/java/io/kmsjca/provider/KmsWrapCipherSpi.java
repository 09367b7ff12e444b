package io.kmsjca.provider;

import io.kmsjca.provider.KmsEncryptionContextSpec;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.internal.engine.MasterKeyOperations;
import io.kmsjca.internal.engine.WrapEngine;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.ShortBufferException;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;

/**
 * {@code Cipher "KMSWrap"}: wraps data keys (WRAP/UNWRAP) and encrypts payloads of up to 4096
 * bytes (ENCRYPT/DECRYPT, like KMS Encrypt) under a master-key handle, with an optional
 * {@link KmsEncryptionContextSpec} and {@code updateAAD} bytes. Checks JCA state and
 * arguments, then calls the {@link WrapEngine}.
 *
 * <p>Failures: a blob that does not authenticate is an {@code AEADBadTagException} from
 * {@code doFinal}, and from {@code unwrap} an {@code InvalidKeyException} whose cause is that
 * {@code AEADBadTagException} ({@code unwrap} may only throw {@code InvalidKeyException}).
 */
final class KmsWrapCipherSpi extends KmsCipherSpi {

    /** The most {@code updateAAD} bytes one operation takes. */
    static final int MAX_AAD_BYTES = 64 * 1024;

    private final WrapEngine engine = new WrapEngine();
    /** The engine, or a server's key's own operations: picked at init, so a call looks nothing up. */
    private MasterKeyOperations ops = engine;
    private int mode;
    private KmsKeyHandle key;
    private EncryptionContext context = EncryptionContext.EMPTY;
    private final SecretBuffer aad = new SecretBuffer(); // not ByteArrayOutputStream: its every call takes a lock
    private final SecretBuffer input = new SecretBuffer();
    private boolean inputTooLong;

    public KmsWrapCipherSpi() {
        super("KMSWrap");
    }

    @Override
    protected int engineGetOutputSize(int inputLen) {
        int total = input.size() + Math.max(0, inputLen);
        return mode == Cipher.DECRYPT_MODE || mode == Cipher.UNWRAP_MODE
                ? Math.max(0, total - WrappedKeyBlob.OVERHEAD) : total + WrappedKeyBlob.OVERHEAD;
    }

    @Override
    protected void engineInit(int opmode, Key k, AlgorithmParameterSpec params, SecureRandom rnd)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (!(k instanceof KmsKeyHandle handle)) {
            throw new InvalidKeyException("KMSWrap needs a master-key handle from a KMS key store, not "
                    + (k == null ? "null" : k.getClass().getName()));
        }
        if (params != null && !(params instanceof KmsEncryptionContextSpec)) {
            throw new InvalidAlgorithmParameterException("KMSWrap takes a KmsEncryptionContextSpec, not "
                    + params.getClass().getName());
        }
        this.mode = opmode;
        this.key = handle;
        this.ops = MasterKeyOperations.of(handle, engine);
        this.context = params == null ? EncryptionContext.EMPTY : ((KmsEncryptionContextSpec) params).encoded();
        reset();
        ops.checkUsable(handle, context, operation(opmode));
    }

    private static AuditOperation operation(int opmode) {
        return switch (opmode) {
            case Cipher.ENCRYPT_MODE -> AuditOperation.ENCRYPT;
            case Cipher.DECRYPT_MODE -> AuditOperation.DECRYPT;
            case Cipher.WRAP_MODE -> AuditOperation.WRAP_KEY;
            default -> AuditOperation.UNWRAP_KEY;
        };
    }

    /**
     * @throws UnsupportedOperationException for a kms-jca server's key: the AWS KMS API has no AAD
     *                                       (docs/decisions.md, "No AAD for a remote key")
     */
    @Override
    protected void engineUpdateAAD(byte[] src, int offset, int len) {
        requireInitialized();
        if (MasterKeyOperations.isRemote(key)) {
            throw new UnsupportedOperationException("KMSWrap with a kms-jca server's key (" + key + ") takes no AAD: "
                    + "the AWS KMS API has none; bind the data to the encryption context (KmsEncryptionContextSpec) instead");
        }
        if (input.size() > 0) {
            throw new IllegalStateException("updateAAD must come before update, as with AES-GCM");
        }
        if (aad.size() + len > MAX_AAD_BYTES) {
            throw new IllegalArgumentException("KMSWrap takes at most " + MAX_AAD_BYTES + " bytes of AAD");
        }
        aad.write(src, offset, len);
    }

    @Override
    protected byte[] engineUpdate(byte[] in, int off, int len) {
        buffer(in, off, len);
        return new byte[0];
    }

    @Override
    protected int engineUpdate(byte[] in, int off, int len, byte[] out, int outOff) {
        buffer(in, off, len);
        return 0;
    }

    @Override
    protected byte[] engineDoFinal(byte[] in, int off, int len) throws IllegalBlockSizeException, BadPaddingException {
        buffer(in, off, len);
        try {
            if (inputTooLong) {
                throw new IllegalBlockSizeException(mode == Cipher.ENCRYPT_MODE
                        ? "KMSWrap encrypts at most " + WrappedKeyBlob.MAX_PLAINTEXT_BYTES + " bytes (as KMS Encrypt); "
                        + "use an envelope for more" : "input is longer than any KMSWrap blob");
            }
            byte[] data = input.toByteArray();
            try {
                return mode == Cipher.ENCRYPT_MODE ? encrypt(data) : decrypt(data);
            } finally {
                Arrays.fill(data, (byte) 0);
            }
        } finally {
            reset();
        }
    }

    @Override
    protected int engineDoFinal(byte[] in, int off, int len, byte[] out, int outOff)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        int needed = engineGetOutputSize(len);
        if (out.length - outOff < needed) {
            throw new ShortBufferException("output needs " + needed + " bytes");
        }
        byte[] result = engineDoFinal(in, off, len);
        System.arraycopy(result, 0, out, outOff, result.length);
        if (mode == Cipher.DECRYPT_MODE) {
            Arrays.fill(result, (byte) 0);
        }
        return result.length;
    }

    @Override
    protected byte[] engineWrap(Key keyToWrap) throws IllegalBlockSizeException, InvalidKeyException {
        requireMode(Cipher.WRAP_MODE, "wrap");
        if (keyToWrap instanceof KmsKeyHandle) {
            throw new InvalidKeyException("a KMS master key cannot be wrapped: its material never leaves the provider");
        }
        byte[] encoded = keyToWrap == null ? null : keyToWrap.getEncoded();
        if (encoded == null) {
            throw new InvalidKeyException("key to wrap is not extractable (getEncoded() is null)");
        }
        try {
            if (encoded.length > WrappedKeyBlob.MAX_PLAINTEXT_BYTES) {
                throw new IllegalBlockSizeException("key to wrap is " + encoded.length + " bytes; KMSWrap takes at most "
                        + WrappedKeyBlob.MAX_PLAINTEXT_BYTES);
            }
            return seal(encoded, AuditOperation.WRAP_KEY);
        } finally {
            Arrays.fill(encoded, (byte) 0);
            reset();
        }
    }

    @Override
    protected Key engineUnwrap(byte[] wrappedKey, String algorithm, int type)
            throws InvalidKeyException, NoSuchAlgorithmException {
        requireMode(Cipher.UNWRAP_MODE, "unwrap");
        byte[] encoded;
        try {
            encoded = ops.open(key, wrappedKey, context, aadBytes(), aad.size(), AuditOperation.UNWRAP_KEY);
        } catch (InvalidKeyException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new InvalidKeyException("cannot unwrap: " + e.getMessage(), e);
        } finally {
            reset();
        }
        try {
            return UnwrappedKeys.construct(encoded, algorithm, type);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
    }

    @Override
    protected int engineGetKeySize(Key k) throws InvalidKeyException {
        if (!(k instanceof KmsKeyHandle)) {
            throw new InvalidKeyException("not a KMS master-key handle");
        }
        return 256;
    }

    // ---------------------------------------------------------------- helpers

    private byte[] seal(byte[] plaintext, AuditOperation op) throws InvalidKeyException {
        return ops.seal(key, plaintext, 0, plaintext.length, context, aadBytes(), aad.size(), op);
    }

    private byte[] encrypt(byte[] plaintext) {
        try {
            return seal(plaintext, AuditOperation.ENCRYPT);
        } catch (InvalidKeyException e) {
            // the key was usable at init and changed state since; doFinal has no checked exception for it
            throw new ProviderException("cannot encrypt: " + e.getMessage(), e);
        }
    }

    private byte[] decrypt(byte[] blob) throws IllegalBlockSizeException, BadPaddingException {
        try {
            return ops.open(key, blob, context, aadBytes(), aad.size(), AuditOperation.DECRYPT);
        } catch (IllegalBlockSizeException | BadPaddingException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            // doFinal may only throw these two: a wrong or unusable key arrives as the cause
            var failure = new BadPaddingException("cannot decrypt: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    private byte[] aadBytes() {
        return aad.size() == 0 ? null : aad.toByteArray();
    }

    private void buffer(byte[] in, int off, int len) {
        if (mode != Cipher.ENCRYPT_MODE && mode != Cipher.DECRYPT_MODE) {
            throw new IllegalStateException(mode == 0 ? "Cipher not initialized"
                    : "Cipher not initialized for encryption or decryption: use wrap or unwrap");
        }
        int limit = mode == Cipher.ENCRYPT_MODE ? WrappedKeyBlob.MAX_PLAINTEXT_BYTES : WrappedKeyBlob.MAX_BLOB_BYTES;
        if (in == null || len <= 0 || inputTooLong) {
            return;
        }
        if (input.size() + len > limit) {
            inputTooLong = true; // reported by doFinal; nothing more is buffered
            wipeInput();
            return;
        }
        input.write(in, off, len);
    }

    private void requireInitialized() {
        if (mode == 0) {
            throw new IllegalStateException("Cipher not initialized");
        }
    }

    private void requireMode(int expected, String what) {
        if (mode != expected) {
            throw new IllegalStateException(mode == 0 ? "Cipher not initialized"
                    : "Cipher not initialized for " + what);
        }
    }

    /** After each operation: AAD and input apply to one message, as with AES-GCM. */
    private void reset() {
        aad.wipe();
        input.wipe();
        inputTooLong = false;
    }

    private void wipeInput() {
        input.wipe();
    }
}
