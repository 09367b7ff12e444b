package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;

/**
 * The import side of a key of origin EXTERNAL (created with {@code CreateKeyRequest.origin(IMPORTED)}):
 * how its material expires, a keyed digest of the first material imported (so re-imports of
 * other material are refused, as AWS KMS refuses them), and the wrapping key of the latest
 * GetParametersForImport, kept sealed in the key's record so that ImportKeyMaterial may run in
 * another process (the CLI runs each command in its own). Immutable; the wrapping key's PKCS#8
 * is wiped by {@link #wipeWrappingKey()} once a record without it is durable.
 *
 * @param expirationModel how the present material expires; null while the key has none
 * @param validTo         when the present material expires (KEY_MATERIAL_EXPIRES), else null
 * @param materialDigest  HMAC-SHA256 of the first material imported under a key derived from
 *                        the store's root key (never a plain hash), 32 bytes; null before any import
 * @param wrapping        the parameters of the latest GetParametersForImport, or null
 */
public record ImportState(ExpirationModel expirationModel, Instant validTo, byte[] materialDigest,
                          WrappingParameters wrapping) {

    /** A new EXTERNAL key: nothing imported, no parameters yet. */
    public static final ImportState NEW = new ImportState(null, null, null, null);

    /** Bytes of {@link #materialDigest}. */
    public static final int DIGEST_BYTES = 32;

    public ImportState {
        if ((expirationModel == ExpirationModel.KEY_MATERIAL_EXPIRES) != (validTo != null)) {
            throw new IllegalArgumentException("a ValidTo date is set exactly when the material expires");
        }
        if (materialDigest != null && materialDigest.length != DIGEST_BYTES) {
            throw new IllegalArgumentException("a material digest is " + DIGEST_BYTES + " bytes");
        }
        if (expirationModel != null && materialDigest == null) {
            throw new IllegalArgumentException("material that is present was imported, so its digest is known");
        }
        materialDigest = materialDigest == null ? null : materialDigest.clone();
    }

    @Override
    public byte[] materialDigest() {
        return materialDigest == null ? null : materialDigest.clone();
    }

    /** Whether {@code digest} is that of the first material imported (constant time); true before any import. */
    public boolean sameMaterial(byte[] digest) {
        return materialDigest == null || MessageDigest.isEqual(materialDigest, digest);
    }

    /** Whether the present material is due to expire at {@code now}. */
    public boolean expiryDue(Instant now) {
        return validTo != null && !now.isBefore(validTo);
    }

    public ImportState withWrapping(WrappingParameters next) {
        return new ImportState(expirationModel, validTo, materialDigest, next);
    }

    /**
     * The material imported (digest {@code digest}) under {@code model} until {@code until}. The
     * parameters used are consumed: a token imports once (docs/decisions.md).
     */
    public ImportState imported(byte[] digest, ExpirationModel model, Instant until) {
        return new ImportState(model, until, materialDigest == null ? digest : materialDigest, null);
    }

    /** The material gone (deleted or expired): the digest stays, for the next import. */
    public ImportState materialGone() {
        return new ImportState(null, null, materialDigest, wrapping);
    }

    /** Wipes the wrapping private key (after a record without it, or with another, is durable). */
    public void wipeWrappingKey() {
        if (wrapping != null && wrapping.privateKey() != null) {
            wrapping.privateKey().destroy();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImportState s && expirationModel == s.expirationModel && Objects.equals(validTo, s.validTo)
                && java.util.Arrays.equals(materialDigest, s.materialDigest) && Objects.equals(wrapping, s.wrapping);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expirationModel, validTo, java.util.Arrays.hashCode(materialDigest), wrapping);
    }

    @Override
    public String toString() {
        return "ImportState[" + expirationModel + ", validTo " + validTo + ", digest " + (materialDigest != null)
                + ", wrapping " + wrapping + "]";
    }

    /**
     * One GetParametersForImport: the wrapping key pair's private half (PKCS#8, sealed in the
     * record), the SHA-256 of its public key (the import token names it), the algorithm the token
     * binds and when both stop being valid.
     */
    public record WrappingParameters(WrappingAlgorithm algorithm, KeySpec wrappingSpec, SecretBytes privateKey,
                                     byte[] publicKeyDer, Instant validTo, KeyVersion.Sealed sealed) {
        /**
         * {@code sealed}: where the private key is sealed to the principals that may import
         * (docs/FORMAT.md, "Version 6: sealing per principal"), or null; {@code privateKey} is null exactly
         * when this process holds no seal of it.
         */
        public WrappingParameters {
            Objects.requireNonNull(algorithm, "algorithm");
            if (privateKey == null && (sealed == null || sealed.group().isOpen())) {
                throw new IllegalArgumentException("wrapping parameters hold their private key, or a seal of it to others");
            }
            Objects.requireNonNull(validTo, "validTo");
            if (wrappingSpec.family() != KeySpec.Family.RSA) {
                throw new IllegalArgumentException("a wrapping key is RSA, not " + wrappingSpec);
            }
            publicKeyDer = publicKeyDer.clone();
        }

        /** Parameters made now, or read from a record that keeps the private key in it. */
        public WrappingParameters(WrappingAlgorithm algorithm, KeySpec wrappingSpec, SecretBytes privateKey,
                                  byte[] publicKeyDer, Instant validTo) {
            this(algorithm, wrappingSpec, Objects.requireNonNull(privateKey, "privateKey"), publicKeyDer, validTo, null);
        }

        /** Whether the private key is sealed to other principals: this process cannot import with these parameters. */
        public boolean isSealedAway() {
            return privateKey == null;
        }

        @Override
        public byte[] publicKeyDer() {
            return publicKeyDer.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o == this || o instanceof WrappingParameters w && algorithm == w.algorithm
                    && wrappingSpec == w.wrappingSpec && java.util.Arrays.equals(publicKeyDer, w.publicKeyDer)
                    && validTo.equals(w.validTo);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(publicKeyDer);
        }

        @Override
        public String toString() {
            return "WrappingParameters[" + algorithm + ", " + wrappingSpec + ", until " + validTo + "]";
        }
    }
}
