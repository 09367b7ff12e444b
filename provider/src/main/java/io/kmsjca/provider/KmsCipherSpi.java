package io.kmsjca.provider;

import javax.crypto.CipherSpi;
import javax.crypto.NoSuchPaddingException;
import java.security.AlgorithmParameters;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.AlgorithmParameterSpec;

/**
 * What the KMS ciphers answer alike to the JCA: no modes or paddings, no block size, no IV and
 * no AlgorithmParameters (their parameters are specs), and init without parameters meaning
 * init with null parameters. Subclasses implement the spec form of init and the operations.
 *
 * <p>The {@code SecureRandom} given to {@code init} is ignored, as providers whose keys live in a
 * token ignore it for what the token generates (SunPKCS11's key generators, HSM providers): salts,
 * nonces and data keys come from the provider's own generator
 * ({@link io.kmsjca.internal.crypto.KmsRandom}), so a caller-seeded generator or a cloned one cannot
 * repeat them (docs/decisions.md).
 */
abstract class KmsCipherSpi extends CipherSpi {

    private final String name;

    KmsCipherSpi(String name) {
        this.name = name;
    }

    @Override
    protected final void engineSetMode(String m) throws NoSuchAlgorithmException {
        throw new NoSuchAlgorithmException(name + " has no modes; use Cipher.getInstance(\"" + name + "\")");
    }

    @Override
    protected final void engineSetPadding(String padding) throws NoSuchPaddingException {
        throw new NoSuchPaddingException(name + " has no padding; use Cipher.getInstance(\"" + name + "\")");
    }

    /** Zero: not a block cipher to its caller. */
    @Override
    protected final int engineGetBlockSize() {
        return 0;
    }

    /** Null: nonces live in each blob or message. */
    @Override
    protected final byte[] engineGetIV() {
        return null;
    }

    /** Null: parameters are given as specs ({@link KmsEncryptionContextSpec}, {@link KmsEnvelopeSpec}). */
    @Override
    protected final AlgorithmParameters engineGetParameters() {
        return null;
    }

    @Override
    protected final void engineInit(int opmode, Key key, SecureRandom random) throws InvalidKeyException {
        try {
            engineInit(opmode, key, (AlgorithmParameterSpec) null, random);
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException(e); // null parameters are always accepted
        }
    }

    @Override
    protected final void engineInit(int opmode, Key key, AlgorithmParameters params, SecureRandom random)
            throws InvalidKeyException, InvalidAlgorithmParameterException {
        if (params != null) {
            throw new InvalidAlgorithmParameterException(name + " takes a parameter spec, not AlgorithmParameters");
        }
        engineInit(opmode, key, (AlgorithmParameterSpec) null, random);
    }
}
