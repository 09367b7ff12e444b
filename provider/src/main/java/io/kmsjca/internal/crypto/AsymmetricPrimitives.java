package io.kmsjca.internal.crypto;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.IllegalBlockSizeException;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The asymmetric operations of AWS KMS on keys held here: Sign and Verify with every
 * {@link SigningAlgorithm} and {@link MessageType}, RSA-OAEP encrypt and decrypt, ECDH. One per
 * engine (not thread-safe): it keeps the JDK and Bouncy Castle primitive instances it made, so a
 * call looks up no provider. Signatures are what AWS KMS returns: DER for ECDSA, PKCS#1 / PSS
 * (salt length = hash length, MGF1 with the same hash) for RSA, raw for Ed25519 and ML-DSA.
 *
 * <p>RSA and ECDSA always sign a digest: a RAW message is hashed first with the algorithm's hash,
 * then the digest is signed as a DIGEST message is (PKCS#1 v1.5: SunJCE's {@code NONEwithRSA} over
 * the DigestInfo; PSS: {@link EmsaPss} here, then SunJCE's raw RSA, the same private-key operation
 * with the same per-key blinding as the JDK's own signatures, and Bouncy Castle's
 * {@code NONEwithRSASSA-PSS} to verify; ECDSA: {@code NONEwithECDSA}),
 * which gives the same signatures as {@code SHA256withRSA}, {@code RSASSA-PSS} or
 * {@code SHA256withECDSA} on the message. Every nonce and salt comes from {@link KmsRandom}.
 */
public final class AsymmetricPrimitives {

    /** ML-DSA's external mu (FIPS 204 algorithm 7, line 6): 64 bytes. */
    public static final int MU_BYTES = 64;
    /** Ed25519ph's context: empty (RFC 8032 section 5.1, as AWS KMS signs). */
    private static final byte[] NO_CONTEXT = new byte[0];

    private MessageDigest sha1;
    private MessageDigest sha256;
    private MessageDigest sha384;
    private MessageDigest sha512;
    private Signature rsaPkcs1;
    private Signature rsaPss;
    private Signature ecdsaJdk;
    private Signature ecdsaBc;
    private Signature ed25519;
    private Signature mlDsa;
    private Signature mlDsaMu;
    private Cipher oaep;
    private Cipher rawRsa;
    private KeyAgreement ecdhJdk;
    private KeyAgreement ecdhBc;

    /**
     * Signs {@code message[off, off+len)}: a DIGEST of {@code algorithm}'s hash length, a RAW
     * message of at most {@link MessageType#MAX_RAW_BYTES} bytes, or an EXTERNAL_MU of 64 bytes (ML-DSA).
     *
     * @throws java.security.SignatureException the message type or length does not fit the algorithm
     * @throws java.security.InvalidAlgorithmParameterException the algorithm is not one of the spec's
     */
    public byte[] sign(PrivateKey key, KeySpec spec, SigningAlgorithm algorithm, MessageType type, byte[] message,
                       int off, int len) throws GeneralSecurityException {
        Objects.requireNonNull(message, "message");
        Objects.checkFromIndexSize(off, len, message.length);
        checkSigning(spec, algorithm, type, len);
        switch (algorithm) {
            case ML_DSA_SHAKE_256 -> {
                Signature s = type == MessageType.EXTERNAL_MU ? mlDsaMu() : mlDsa();
                s.initSign(key, KmsRandom.generator());
                s.update(message, off, len);
                return s.sign();
            }
            case ED25519_SHA_512 -> {
                Signature s = ed25519();
                s.initSign(key, KmsRandom.generator());
                s.update(message, off, len);
                return s.sign();
            }
            case ED25519_PH_SHA_512 -> {
                byte[] ph = digest(algorithm, type, message, off, len);
                byte[] seed = KeyPairs.ed25519Seed(key);
                try {
                    byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
                    Ed25519.signPrehash(seed, 0, NO_CONTEXT, ph, 0, signature, 0);
                    return signature;
                } finally {
                    Arrays.fill(seed, (byte) 0);
                }
            }
            case RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512 -> {
                return signPss(key, algorithm, digest(algorithm, type, message, off, len));
            }
            default -> {
                byte[] digest = digest(algorithm, type, message, off, len);
                Signature s = digestSigner(spec, algorithm);
                s.initSign(key, KmsRandom.generator());
                if (isPkcs1(algorithm)) {
                    byte[] info = DigestInfo.of(algorithm, digest);
                    s.update(info);
                } else {
                    s.update(digest);
                }
                return s.sign();
            }
        }
    }

    /**
     * RSASSA-PSS of a digest (RFC 8017 section 8.1.1): EMSA-PSS with a salt as long as the hash,
     * drawn from {@link KmsRandom}, then the private key applied by SunJCE's raw RSA.
     */
    private byte[] signPss(PrivateKey key, SigningAlgorithm algorithm, byte[] digest) throws GeneralSecurityException {
        if (!(key instanceof RSAKey rsa)) {
            throw new InvalidKeyException(algorithm + " takes an RSA key");
        }
        MessageDigest hash = messageDigest(algorithm.digestAlgorithm());
        byte[] salt = new byte[hash.getDigestLength()];
        KmsRandom.nextBytes(salt);
        byte[] em = EmsaPss.encode(hash, digest, salt, rsa.getModulus().bitLength());
        if (rawRsa == null) {
            rawRsa = Cipher.getInstance("RSA/ECB/NoPadding", AsymmetricProviders.sunJce());
        }
        // with a private key: the JDK's RSA signing operation (CRT, fault-checked), blinded by RSACore with a
        // pair it keeps per key from the JDK's own generator, as for PKCS#1's NONEwithRSA; NoPadding draws nothing
        rawRsa.init(Cipher.ENCRYPT_MODE, key);
        return rawRsa.doFinal(em);
    }

    /** Whether {@code signature} is valid; malformed signatures are simply not valid. */
    public boolean verify(PublicKey key, KeySpec spec, SigningAlgorithm algorithm, MessageType type, byte[] message,
                          byte[] signature) throws GeneralSecurityException {
        Objects.requireNonNull(message, "message");
        checkSigning(spec, algorithm, type, message.length);
        if (signature == null || signature.length == 0 || signature.length > MAX_SIGNATURE_BYTES) {
            return false;
        }
        try {
            switch (algorithm) {
                case ML_DSA_SHAKE_256 -> {
                    Signature s = type == MessageType.EXTERNAL_MU ? mlDsaMu() : mlDsa();
                    s.initVerify(key);
                    s.update(message);
                    return s.verify(signature);
                }
                case ED25519_SHA_512 -> {
                    if (signature.length != Ed25519.SIGNATURE_SIZE) {
                        return false; // R || S, exactly 64 bytes (RFC 8032 section 5.1.7): not every provider checks
                    }
                    Signature s = ed25519();
                    s.initVerify(key);
                    s.update(message);
                    return s.verify(signature);
                }
                case ED25519_PH_SHA_512 -> {
                    byte[] ph = digest(algorithm, type, message, 0, message.length);
                    byte[] a = KeyPairs.ed25519PublicBytes(key);
                    return signature.length == Ed25519.SIGNATURE_SIZE
                            && Ed25519.verifyPrehash(signature, 0, a, 0, NO_CONTEXT, ph, 0);
                }
                default -> {
                    byte[] digest = digest(algorithm, type, message, 0, message.length);
                    Signature s = digestVerifier(spec, algorithm);
                    s.initVerify(key);
                    s.update(isPkcs1(algorithm) ? DigestInfo.of(algorithm, digest) : digest);
                    return s.verify(signature);
                }
            }
        } catch (SignatureException | IllegalArgumentException | ArrayIndexOutOfBoundsException malformed) {
            return false; // a signature that does not even parse is not valid
        }
    }

    /** Longer than any signature of any spec here (ML-DSA-87's: 4,627 bytes). */
    private static final int MAX_SIGNATURE_BYTES = 8 * 1024;

    /** RSA-OAEP with {@code algorithm}'s hash for OAEP and MGF1, no label. */
    public byte[] encrypt(PublicKey key, KeySpec spec, EncryptionAlgorithm algorithm, byte[] plaintext)
            throws GeneralSecurityException {
        OAEPParameterSpec params = oaepParameters(spec, algorithm);
        Objects.requireNonNull(plaintext, "plaintext");
        int max = AsymmetricSizes.oaepMaxPlaintextBytes(modulusBytes(key), algorithm);
        if (plaintext.length > max) { // RFC 8017 section 7.1.1 step 1b
            throw new IllegalBlockSizeException(algorithm + " with a " + spec + " key encrypts at most " + max
                    + " bytes, got " + plaintext.length);
        }
        Cipher c = oaep();
        c.init(Cipher.ENCRYPT_MODE, key, params, KmsRandom.generator());
        return c.doFinal(plaintext);
    }

    /** RSA-OAEP decryption; a wrong key, algorithm or ciphertext is a {@code BadPaddingException}. */
    public byte[] decrypt(PrivateKey key, KeySpec spec, EncryptionAlgorithm algorithm, byte[] ciphertext)
            throws GeneralSecurityException {
        OAEPParameterSpec params = oaepParameters(spec, algorithm);
        Objects.requireNonNull(ciphertext, "ciphertext");
        Cipher c = oaep();
        c.init(Cipher.DECRYPT_MODE, key, params);
        if (ciphertext.length != modulusBytes(key)) {
            throw new BadPaddingException("RSA-OAEP decryption failed");
        }
        try {
            return c.doFinal(ciphertext);
        } catch (GeneralSecurityException | RuntimeException e) {
            // one answer for every failure (RFC 8017 section 7.1.2 note: no oracle on which check failed)
            throw new BadPaddingException("RSA-OAEP decryption failed");
        }
    }

    /** The raw ECDH shared secret (field-size x coordinate) with {@code peer}, a key of the same curve. */
    public byte[] ecdh(PrivateKey key, KeySpec spec, PublicKey peer) throws GeneralSecurityException {
        if (spec.family() != KeySpec.Family.EC) {
            throw new InvalidKeyException("ECDH takes an EC key, not " + spec);
        }
        if (!(key instanceof ECPrivateKey)) {
            throw new InvalidKeyException("ECDH takes an EC private key");
        }
        if (!(peer instanceof ECPublicKey ecPeer)) {
            throw new InvalidKeyException("the peer's key must be an EC public key of " + spec);
        }
        KeySpec peerSpec = KeySpecs.of(peer);
        if (peerSpec != spec) {
            throw new InvalidKeyException("the peer's key is " + peerSpec + ", not " + spec + " as this key");
        }
        NamedCurves.checkOnCurve(spec, ecPeer.getW());
        KeyAgreement ka = spec == KeySpec.ECC_SECG_P256K1 ? ecdhBc() : ecdhJdk();
        ka.init(key);
        ka.doPhase(peer, true);
        return ka.generateSecret();
    }

    /** Refuses an algorithm of another spec, and a message type or length the algorithm does not take. */
    private static void checkSigning(KeySpec spec, SigningAlgorithm algorithm, MessageType type, int len)
            throws GeneralSecurityException {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(type, "message type");
        List<SigningAlgorithm> allowed = SigningAlgorithm.forKey(spec, KeyUsage.SIGN_VERIFY);
        if (!allowed.contains(algorithm)) {
            throw new InvalidAlgorithmParameterException(algorithm + " is not a signing algorithm of " + spec
                    + " keys; allowed: " + allowed);
        }
        switch (type) {
            case RAW -> {
                if (len > MessageType.MAX_RAW_BYTES) {
                    throw new SignatureException("a RAW message is at most " + MessageType.MAX_RAW_BYTES
                            + " bytes, got " + len + "; sign its DIGEST instead");
                }
            }
            case DIGEST -> {
                if (algorithm.digestAlgorithm() == null) {
                    throw new SignatureException(algorithm + " does not sign a DIGEST message; sign the RAW message"
                            + (algorithm == SigningAlgorithm.ML_DSA_SHAKE_256 ? " or its EXTERNAL_MU" : ""));
                }
                int expected = hashBytes(algorithm.digestAlgorithm());
                if (len != expected) {
                    throw new SignatureException("a " + algorithm.digestAlgorithm() + " DIGEST is " + expected
                            + " bytes, got " + len);
                }
            }
            case EXTERNAL_MU -> {
                if (algorithm != SigningAlgorithm.ML_DSA_SHAKE_256) {
                    throw new SignatureException("EXTERNAL_MU is for ML_DSA_SHAKE_256 only, not " + algorithm);
                }
                if (len != MU_BYTES) {
                    throw new SignatureException("an EXTERNAL_MU message is " + MU_BYTES + " bytes, got " + len);
                }
            }
        }
    }

    /** The digest to sign: a DIGEST message as given (its length checked), a RAW message hashed. */
    private byte[] digest(SigningAlgorithm algorithm, MessageType type, byte[] message, int off, int len) {
        if (type == MessageType.DIGEST) {
            return Arrays.copyOfRange(message, off, off + len);
        }
        MessageDigest md = messageDigest(algorithm.digestAlgorithm());
        md.update(message, off, len);
        return md.digest();
    }

    private static boolean isPkcs1(SigningAlgorithm algorithm) {
        return switch (algorithm) {
            case RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PKCS1_V1_5_SHA_384, RSASSA_PKCS1_V1_5_SHA_512 -> true;
            default -> false;
        };
    }

    /** The Signature that signs a digest for {@code algorithm} (PSS: that verifies one, its parameters set). */
    private Signature digestSigner(KeySpec spec, SigningAlgorithm algorithm) throws GeneralSecurityException {
        return switch (algorithm) {
            case RSASSA_PKCS1_V1_5_SHA_256, RSASSA_PKCS1_V1_5_SHA_384, RSASSA_PKCS1_V1_5_SHA_512 -> {
                if (rsaPkcs1 == null) {
                    rsaPkcs1 = Signature.getInstance("NONEwithRSA", AsymmetricProviders.sunJce());
                }
                yield rsaPkcs1;
            }
            case RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512 -> {
                if (rsaPss == null) {
                    rsaPss = Signature.getInstance("NONEwithRSASSA-PSS", AsymmetricProviders.BC);
                }
                rsaPss.setParameter(pssParameters(algorithm));
                yield rsaPss;
            }
            case ECDSA_SHA_256, ECDSA_SHA_384, ECDSA_SHA_512 -> {
                // NONEwithECDSA takes the digest as the message (SunEC: at most 64 bytes) and, as
                // SEC 1 section 4.1.3 step 5 says, keeps its leftmost bits up to the order's length.
                // SigningAlgorithm.forKey pairs each curve with a hash no longer than its order
                // (P-521 with SHA-512), so nothing is cut here.
                if (spec == KeySpec.ECC_SECG_P256K1) {
                    if (ecdsaBc == null) {
                        ecdsaBc = Signature.getInstance("NONEwithECDSA", AsymmetricProviders.BC);
                    }
                    yield ecdsaBc;
                }
                if (ecdsaJdk == null) {
                    ecdsaJdk = Signature.getInstance("NONEwithECDSA", AsymmetricProviders.of(spec));
                }
                yield ecdsaJdk;
            }
            default -> throw new InvalidAlgorithmParameterException(algorithm + " does not sign a digest");
        };
    }

    /**
     * The Signature that verifies a digest for {@code algorithm}: the signer's, except for ECDSA,
     * which Bouncy Castle verifies on every curve. JDK 17's SunEC accepts a DER signature whose
     * INTEGER lacks its leading zero byte and refuses valid signatures whose r needed the
     * reduction of x modulo n (Wycheproof ecdsa_secp256r1_sha256 tc 6, 350, 479); Bouncy Castle
     * decodes DER strictly (re-encoding must give the same bytes) and reduces x.
     */
    private Signature digestVerifier(KeySpec spec, SigningAlgorithm algorithm) throws GeneralSecurityException {
        return switch (algorithm) {
            case ECDSA_SHA_256, ECDSA_SHA_384, ECDSA_SHA_512 -> digestSigner(KeySpec.ECC_SECG_P256K1, algorithm);
            default -> digestSigner(spec, algorithm);
        };
    }

    /** PSS as AWS KMS signs: salt of the hash's length, MGF1 with the same hash, trailer field 1. */
    static PSSParameterSpec pssParameters(SigningAlgorithm algorithm) {
        String hash = algorithm.digestAlgorithm();
        return new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), hashBytes(hash), 1);
    }

    private Signature ed25519() throws NoSuchAlgorithmException {
        if (ed25519 == null) {
            ed25519 = Signature.getInstance("Ed25519", AsymmetricProviders.of(KeySpec.ECC_NIST_EDWARDS25519));
        }
        return ed25519;
    }

    private Signature mlDsa() throws NoSuchAlgorithmException {
        if (mlDsa == null) {
            mlDsa = Signature.getInstance("ML-DSA", AsymmetricProviders.BC); // pure ML-DSA, empty context
        }
        return mlDsa;
    }

    private Signature mlDsaMu() throws NoSuchAlgorithmException {
        if (mlDsaMu == null) {
            mlDsaMu = Signature.getInstance("ML-DSA-EXTERNAL-MU", AsymmetricProviders.BC);
        }
        return mlDsaMu;
    }

    private Cipher oaep() throws GeneralSecurityException {
        if (oaep == null) {
            oaep = Cipher.getInstance("RSA/ECB/OAEPPadding", AsymmetricProviders.sunJce());
        }
        return oaep;
    }

    private KeyAgreement ecdhJdk() throws NoSuchAlgorithmException {
        if (ecdhJdk == null) {
            ecdhJdk = KeyAgreement.getInstance("ECDH", AsymmetricProviders.of(KeySpec.ECC_NIST_P256));
        }
        return ecdhJdk;
    }

    private KeyAgreement ecdhBc() throws NoSuchAlgorithmException {
        if (ecdhBc == null) {
            ecdhBc = KeyAgreement.getInstance("ECDH", AsymmetricProviders.BC);
        }
        return ecdhBc;
    }

    private MessageDigest messageDigest(String name) {
        return switch (name) {
            case "SHA-1" -> sha1 != null ? sha1 : (sha1 = Primitives.digest(name));
            case "SHA-256" -> sha256 != null ? sha256 : (sha256 = Primitives.digest(name));
            case "SHA-384" -> sha384 != null ? sha384 : (sha384 = Primitives.digest(name));
            case "SHA-512" -> sha512 != null ? sha512 : (sha512 = Primitives.digest(name));
            default -> throw new IllegalArgumentException("no digest " + name);
        };
    }

    private static OAEPParameterSpec oaepParameters(KeySpec spec, EncryptionAlgorithm algorithm)
            throws InvalidAlgorithmParameterException {
        List<EncryptionAlgorithm> allowed = EncryptionAlgorithm.forKey(spec, KeyUsage.ENCRYPT_DECRYPT);
        if (spec.family() != KeySpec.Family.RSA || !allowed.contains(algorithm)) {
            throw new InvalidAlgorithmParameterException(algorithm + " is not an encryption algorithm of " + spec
                    + " keys; allowed: " + (spec.family() == KeySpec.Family.RSA ? allowed : List.of()));
        }
        return algorithm == EncryptionAlgorithm.RSAES_OAEP_SHA_1 ? OAEP_SHA_1 : OAEP_SHA_256;
    }

    private static final OAEPParameterSpec OAEP_SHA_1 =
            new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT);
    private static final OAEPParameterSpec OAEP_SHA_256 =
            new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

    private static int hashBytes(String hash) {
        return switch (hash) {
            case "SHA-1" -> 20;
            case "SHA-256" -> 32;
            case "SHA-384" -> 48;
            case "SHA-512" -> 64;
            default -> throw new IllegalArgumentException("no digest " + hash);
        };
    }

    private static int modulusBytes(java.security.Key key) throws InvalidKeyException {
        if (!(key instanceof RSAKey rsa)) {
            throw new InvalidKeyException("RSA-OAEP takes an RSA key");
        }
        return (rsa.getModulus().bitLength() + 7) / 8;
    }

    /** The DER DigestInfo of RFC 8017 section 9.2 (note 1 lists these prefixes). */
    static final class DigestInfo {
        private static final byte[] SHA_256 = hex("3031300d060960864801650304020105000420");
        private static final byte[] SHA_384 = hex("3041300d060960864801650304020205000430");
        private static final byte[] SHA_512 = hex("3051300d060960864801650304020305000440");

        private DigestInfo() {
        }

        static byte[] of(SigningAlgorithm algorithm, byte[] digest) {
            byte[] prefix = switch (algorithm.digestAlgorithm()) {
                case "SHA-256" -> SHA_256;
                case "SHA-384" -> SHA_384;
                case "SHA-512" -> SHA_512;
                default -> throw new IllegalArgumentException(algorithm + " has no DigestInfo");
            };
            byte[] out = Arrays.copyOf(prefix, prefix.length + digest.length);
            System.arraycopy(digest, 0, out, prefix.length, digest.length);
            return out;
        }

        private static byte[] hex(String s) {
            return java.util.HexFormat.of().parseHex(s);
        }
    }
}
