package io.kmsjca.audit;

import io.kmsjca.internal.crypto.Primitives;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The public key that verifies the signatures a key store writes into its audit log (Ed25519,
 * docs/audit.md "Verifying without a secret"). It is not a secret: publish it to auditors as PEM
 * ({@link #toPem()}, a {@code PUBLIC KEY} block holding an X.509 SubjectPublicKeyInfo) and name it
 * by its {@link #fingerprint()}. Immutable.
 */
public final class AuditVerificationKey {

    /** The DER of an Ed25519 SubjectPublicKeyInfo up to its 32-byte key (RFC 8410). */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final int RAW_LENGTH = 32;
    private static final int MAX_PEM_CHARS = 4096;
    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";

    private final byte[] encoded;
    private final PublicKey publicKey;
    private final String fingerprint;

    private AuditVerificationKey(byte[] encoded) {
        this.encoded = encoded;
        try {
            this.publicKey = Primitives.keyFactory("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
        this.fingerprint = HexFormat.of().formatHex(sha256(encoded));
    }

    /** The key whose raw RFC 8032 encoding is {@code raw} (32 bytes). */
    public static AuditVerificationKey fromRaw(byte[] raw) {
        if (raw.length != RAW_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, not " + raw.length);
        }
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + RAW_LENGTH);
        System.arraycopy(raw, 0, der, SPKI_PREFIX.length, RAW_LENGTH);
        return new AuditVerificationKey(der);
    }

    /** The key in an X.509 SubjectPublicKeyInfo (DER); only Ed25519 is accepted. */
    public static AuditVerificationKey fromEncoded(byte[] spki) {
        if (spki.length != SPKI_PREFIX.length + RAW_LENGTH
                || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 SubjectPublicKeyInfo (44 bytes of DER, RFC 8410)");
        }
        return new AuditVerificationKey(spki.clone());
    }

    /** The key in a PEM {@code PUBLIC KEY} block, as {@link #toPem()} writes it (text around the block is ignored). */
    public static AuditVerificationKey fromPem(String pem) {
        if (pem.length() > MAX_PEM_CHARS) {
            throw new IllegalArgumentException("not an Ed25519 public key: longer than " + MAX_PEM_CHARS + " characters");
        }
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no PEM block '" + BEGIN + "' ... '" + END + "'");
        }
        try {
            return fromEncoded(Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN.length(), end)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** The key as a JCA {@link PublicKey} (algorithm EdDSA/Ed25519). */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The X.509 SubjectPublicKeyInfo, DER. */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** SHA-256 of {@link #encoded()}, lowercase hex: the name the log's signature records give their signer. */
    public String fingerprint() {
        return fingerprint;
    }

    /** The PEM block: {@code -----BEGIN PUBLIC KEY-----}, Base64 of the DER in lines of 64, the END line, a newline. */
    public String toPem() {
        return BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(encoded) + "\n" + END + "\n";
    }

    /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        try {
            Signature s = Primitives.signature("Ed25519");
            s.initVerify(publicKey);
            s.update(message);
            return s.verify(signature);
        } catch (java.security.SignatureException malformed) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot verify Ed25519", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditVerificationKey k && Arrays.equals(encoded, k.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "Ed25519 audit verification key " + fingerprint;
    }
}
