package io.kmsjca.provider;

import io.kmsjca.internal.engine.PrivateKeyEngine;
import io.kmsjca.internal.engine.PrivateKeyOperations;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.CipherSpi;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.ProviderException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.InvalidParameterSpecException;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code Cipher "RSA/ECB/OAEPWithSHA-1AndMGF1Padding"}, {@code "RSA/ECB/OAEPWithSHA-256AndMGF1Padding"}
 * and {@code "RSA/ECB/OAEPPadding"} with a KMS RSA key of usage ENCRYPT_DECRYPT: DECRYPT_MODE and
 * UNWRAP_MODE only (KMS Decrypt, inside the provider). Encryption needs no secret: it is the JDK's,
 * with the public key ({@code handle.publicKey()}), and the JCA routes it there.
 *
 * <p>The parameters are AWS KMS's two: RSAES_OAEP_SHA_1 (SHA-1, MGF1 SHA-1) and RSAES_OAEP_SHA_256
 * (SHA-256, <em>MGF1 SHA-256</em>), no label. {@code OAEPWithSHA-256AndMGF1Padding} means the
 * latter, as in Bouncy Castle; the JDK's SunJCE reads the same name as MGF1 with SHA-1, so text
 * encrypted with SunJCE must name its parameters ({@link OAEPParameterSpec} with
 * {@link MGF1ParameterSpec#SHA256}) — docs/decisions.md, "OAEP with SHA-256 means MGF1 SHA-256".
 */
abstract class RsaOaepCipherSpi extends CipherSpi {

    /** The largest RSA modulus of a KMS key, in bytes: no ciphertext is longer. */
    private static final int MAX_CIPHERTEXT_BYTES = 4096 / 8;

    private final PrivateKeyOperations embedded = new PrivateKeyEngine();
    private final String name;
    private final EncryptionAlgorithm defaultAlgorithm;
    private EncryptionAlgorithm algorithm;
    private PrivateKeyOperations ops;
    private KmsPrivateKeyHandle key;
    private int mode;
    private final SecretBuffer input = new SecretBuffer();
    private boolean tooLong;

    RsaOaepCipherSpi(String name, EncryptionAlgorithm defaultAlgorithm) {
        this.name = name;
        this.defaultAlgorithm = defaultAlgorithm;
        this.algorithm = defaultAlgorithm;
    }

    @Override
    protected final void engineSetMode(String m) throws NoSuchAlgorithmException {
        if (!"ECB".equalsIgnoreCase(m) && !"NONE".equalsIgnoreCase(m)) {
            throw new NoSuchAlgorithmException(name + " has no mode " + m);
        }
    }

    @Override
    protected final void engineSetPadding(String padding) throws NoSuchPaddingException {
        throw new NoSuchPaddingException(name + " has its padding in its name");
    }

    @Override
    protected final int engineGetBlockSize() {
        return 0;
    }

    @Override
    protected final int engineGetOutputSize(int inputLen) {
        return key == null ? MAX_CIPHERTEXT_BYTES : modulusBytes(key.keySpec());
    }

    @Override
    protected final byte[] engineGetIV() {
        return null;
    }

    /** The OAEP parameters in use (the JDK's AlgorithmParameters "OAEP"). */
    @Override
    protected final AlgorithmParameters engineGetParameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("OAEP");
            parameters.init(spec(algorithm));
            return parameters;
        } catch (NoSuchAlgorithmException | InvalidParameterSpecException e) {
            throw new ProviderException("the JDK cannot encode OAEP parameters", e);
        }
    }

    static OAEPParameterSpec spec(EncryptionAlgorithm algorithm) {
        return algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_256
                ? new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT)
                : new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT);
    }

    @Override
    protected final int engineGetKeySize(Key k) throws InvalidKeyException {
        if (k instanceof KmsPrivateKeyHandle handle && handle.keySpec().family() == KeySpec.Family.RSA) {
            return handle.keySpec().bits();
        }
        throw new InvalidKeyException(name + " of the KMS provider takes KMS RSA keys only");
    }

    @Override
    protected final void engineInit(int opmode, Key k, SecureRandom random) throws InvalidKeyException {
        try {
            engineInit(opmode, k, (AlgorithmParameterSpec) null, random);
        } catch (InvalidAlgorithmParameterException e) {
            throw new InvalidKeyException(e.getMessage(), e); // null parameters: the name's defaults, never refused
        }
    }

    @Override
    protected final void engineInit(int opmode, Key k, AlgorithmParameters params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        AlgorithmParameterSpec spec = null;
        if (params != null) {
            try {
                spec = params.getParameterSpec(OAEPParameterSpec.class);
            } catch (InvalidParameterSpecException e) {
                throw new InvalidAlgorithmParameterException(name + " takes OAEP parameters", e);
            }
        }
        engineInit(opmode, k, spec, random);
    }

    /**
     * DECRYPT_MODE or UNWRAP_MODE with a KMS RSA handle; parameters null (the name's) or an
     * {@link OAEPParameterSpec} of AWS KMS's. The {@code SecureRandom} is not needed: decryption draws none.
     */
    @Override
    protected final void engineInit(int opmode, Key k, AlgorithmParameterSpec params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (opmode == Cipher.ENCRYPT_MODE || opmode == Cipher.WRAP_MODE) {
            throw new InvalidKeyException(name + " of the KMS provider only decrypts: encrypt with the public key "
                    + "(KmsPrivateKeyHandle.publicKey()) through Cipher.getInstance(\"" + name + "\") without naming a provider");
        }
        if (!(k instanceof KmsPrivateKeyHandle handle) || handle.keySpec().family() != KeySpec.Family.RSA) {
            throw new InvalidKeyException(name + " of the KMS provider decrypts with a KMS RSA private-key handle only, not "
                    + (k == null ? "null" : k instanceof KmsPrivateKeyHandle h ? h + " (" + h.keySpec() + ")" : k.getClass().getName()));
        }
        EncryptionAlgorithm next = params == null ? defaultAlgorithm : algorithmOf(params);
        PrivateKeyOperations nextOps = PrivateKeyOperations.of(handle, embedded);
        reset();
        this.key = null;
        nextOps.checkUsable(handle, AuditOperation.DECRYPT); // state, usage, rights: refusals audited
        this.algorithm = next;
        this.ops = nextOps;
        this.key = handle;
        this.mode = opmode;
    }

    /** AWS KMS's algorithm for {@code params}, or the refusal naming what differs. */
    private EncryptionAlgorithm algorithmOf(AlgorithmParameterSpec params) throws InvalidAlgorithmParameterException {
        if (!(params instanceof OAEPParameterSpec oaep)) {
            throw new InvalidAlgorithmParameterException(name + " takes an OAEPParameterSpec, not " + params.getClass().getName());
        }
        String hash = normalized(oaep.getDigestAlgorithm());
        boolean mgf1SameHash = "MGF1".equalsIgnoreCase(oaep.getMGFAlgorithm())
                && oaep.getMGFParameters() instanceof MGF1ParameterSpec mgf && normalized(mgf.getDigestAlgorithm()).equals(hash);
        boolean noLabel = oaep.getPSource() instanceof PSource.PSpecified label && label.getValue().length == 0;
        if (!mgf1SameHash || !noLabel || !(hash.equals("SHA1") || hash.equals("SHA256"))) {
            throw new InvalidAlgorithmParameterException(name + " with a KMS key decrypts RSAES_OAEP_SHA_1 (SHA-1, MGF1 "
                    + "SHA-1) or RSAES_OAEP_SHA_256 (SHA-256, MGF1 SHA-256), without a label, as AWS KMS does; not "
                    + oaep.getDigestAlgorithm() + " with " + oaep.getMGFAlgorithm() + " "
                    + (oaep.getMGFParameters() instanceof MGF1ParameterSpec m ? m.getDigestAlgorithm() : "?")
                    + (noLabel ? "" : " and a label"));
        }
        return hash.equals("SHA1") ? EncryptionAlgorithm.RSAES_OAEP_SHA_1 : EncryptionAlgorithm.RSAES_OAEP_SHA_256;
    }

    private static String normalized(String digest) {
        return digest == null ? "" : digest.toUpperCase(Locale.ROOT).replace("-", "");
    }

    private static int modulusBytes(KeySpec spec) {
        return spec.bits() / 8;
    }

    @Override
    protected final byte[] engineUpdate(byte[] in, int off, int len) {
        buffer(in, off, len);
        return new byte[0];
    }

    @Override
    protected final int engineUpdate(byte[] in, int off, int len, byte[] out, int outOff) {
        buffer(in, off, len);
        return 0;
    }

    private void buffer(byte[] in, int off, int len) {
        requireMode(Cipher.DECRYPT_MODE);
        if (in == null || len == 0) {
            return;
        }
        if (tooLong || len > MAX_CIPHERTEXT_BYTES - input.size()) {
            tooLong = true; // refused at doFinal, as the JDK's RSA cipher refuses too long an input
            return;
        }
        input.write(in, off, len);
    }

    @Override
    protected final byte[] engineDoFinal(byte[] in, int off, int len) throws IllegalBlockSizeException, BadPaddingException {
        buffer(in, off, len);
        try {
            if (tooLong) {
                throw refusedTooLong();
            }
            byte[] ciphertext = input.toByteArray();
            return decrypt(ciphertext);
        } finally {
            reset();
        }
    }

    @Override
    protected final int engineDoFinal(byte[] in, int off, int len, byte[] out, int outOff)
            throws ShortBufferException, IllegalBlockSizeException, BadPaddingException {
        byte[] plaintext = engineDoFinal(in, off, len);
        try {
            if (out.length - outOff < plaintext.length) {
                throw new ShortBufferException(name + " needs " + plaintext.length + " bytes of output");
            }
            System.arraycopy(plaintext, 0, out, outOff, plaintext.length);
            return plaintext.length;
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /**
     * The refusal of an input longer than any RSA ciphertext, made by the key's owner (the key
     * service, or a server), so the refused Decrypt is audited as {@code KeyService.decrypt} audits
     * it: the owner is sent a stand-in of one byte over the bound, as the refusal depends on the
     * length alone (the input past the bound was never kept).
     */
    private IllegalBlockSizeException refusedTooLong() {
        IllegalBlockSizeException refused = new IllegalBlockSizeException(name + ": a ciphertext of " + key.keySpec()
                + " is " + modulusBytes(key.keySpec()) + " bytes, the input was longer");
        try {
            Arrays.fill(decrypt(new byte[MAX_CIPHERTEXT_BYTES + 1]), (byte) 0); // refused by every owner
        } catch (BadPaddingException | IllegalBlockSizeException audited) {
            refused.initCause(audited);
        }
        return refused;
    }

    /** KMS Decrypt; every failure of the ciphertext is one {@code BadPaddingException}, as in the JDK. */
    private byte[] decrypt(byte[] ciphertext) throws BadPaddingException, IllegalBlockSizeException {
        try {
            return ops.decrypt(key, ciphertext, algorithm);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            var failure = new BadPaddingException(name + " with " + key + " failed: " + e.getMessage());
            failure.initCause(e);
            throw failure;
        }
    }

    /**
     * KMS Decrypt of a wrapped key: a {@code SecretKey} of {@code algorithm} (the usual case, a data
     * key), or a private or public key decoded by the JDK's {@code KeyFactory}. The decrypted bytes
     * are wiped once the key is made.
     */
    @Override
    protected final Key engineUnwrap(byte[] wrapped, String algorithmName, int type)
            throws InvalidKeyException, NoSuchAlgorithmException {
        requireMode(Cipher.UNWRAP_MODE);
        if (wrapped.length > MAX_CIPHERTEXT_BYTES) {
            throw new InvalidKeyException(name + ": the wrapped key is longer than any RSA ciphertext", refusedTooLong());
        }
        byte[] encoded;
        try {
            encoded = decrypt(wrapped);
        } catch (BadPaddingException | IllegalBlockSizeException e) {
            throw new InvalidKeyException(name + " could not unwrap the key: " + e.getMessage(), e);
        }
        try {
            return switch (type) {
                case Cipher.SECRET_KEY -> new SecretKeySpec(encoded, algorithmName);
                case Cipher.PRIVATE_KEY -> KeyFactory.getInstance(algorithmName).generatePrivate(new PKCS8EncodedKeySpec(encoded));
                case Cipher.PUBLIC_KEY -> KeyFactory.getInstance(algorithmName).generatePublic(new X509EncodedKeySpec(encoded));
                default -> throw new InvalidKeyException("unknown key type " + type);
            };
        } catch (java.security.spec.InvalidKeySpecException e) {
            throw new InvalidKeyException(name + ": the unwrapped bytes are no " + algorithmName + " key", e);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
    }

    @Override
    protected final byte[] engineWrap(Key k) throws IllegalBlockSizeException, InvalidKeyException {
        throw new IllegalStateException(name + " of the KMS provider only unwraps");
    }

    private void requireMode(int expected) {
        if (key == null) {
            throw new IllegalStateException(name + " is not initialized");
        }
        if (mode != expected) {
            throw new IllegalStateException(name + " is initialized for "
                    + (mode == Cipher.UNWRAP_MODE ? "unwrap" : "decryption") + ", not for this operation");
        }
    }

    private void reset() {
        input.wipe();
        tooLong = false;
    }

    static final class OaepSha1 extends RsaOaepCipherSpi {
        OaepSha1() {
            super("RSA/ECB/OAEPWithSHA-1AndMGF1Padding", EncryptionAlgorithm.RSAES_OAEP_SHA_1);
        }
    }

    static final class OaepSha256 extends RsaOaepCipherSpi {
        OaepSha256() {
            super("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", EncryptionAlgorithm.RSAES_OAEP_SHA_256);
        }
    }

    /** {@code RSA/ECB/OAEPPadding}: SHA-1 unless an {@link OAEPParameterSpec} says SHA-256, as in the JDK. */
    static final class Oaep extends RsaOaepCipherSpi {
        Oaep() {
            super("RSA/ECB/OAEPPadding", EncryptionAlgorithm.RSAES_OAEP_SHA_1);
        }
    }
}
