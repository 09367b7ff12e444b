package io.kmsjca.internal.engine;

import io.kmsjca.internal.crypto.AsymmetricPrimitives;
import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.audit.OperationStart;
import io.kmsjca.internal.model.KeyPairMaterial;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.policy.ConditionKeys;
import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.internal.service.ServicePrivateKeyHandle;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeyAgreementAlgorithm;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The embedded store's private-key operations: one per JCA object, holding its own JDK
 * primitives ({@link AsymmetricPrimitives}), so a call takes no lock, does no I/O and looks up
 * no provider. Every call resolves the key from the store's snapshot (its state, usage and the
 * caller's rights: {@code EmbeddedKeyService.usablePair}), runs the primitive and is audited,
 * SUCCESS, FAILED or DENIED, with the key's id and version. The {@code KeyService} methods that
 * name a key by alias or id run through the same methods ({@link Target#named}), so there is one
 * set of rules. Not thread-safe, like the JCA objects that own it.
 */
public final class PrivateKeyEngine implements PrivateKeyOperations {

    private final AsymmetricPrimitives primitives = new AsymmetricPrimitives();

    /** The condition keys of each request (AWS's names), built once: a request allocates none. */
    private static final Map<String, List<String>>[][] SIGNING_KEYS = signingKeys();
    private static final List<Map<String, List<String>>> ENCRYPTION_KEYS = Arrays.stream(EncryptionAlgorithm.values())
            .map(a -> Map.of(ConditionKeys.ENCRYPTION_ALGORITHM, List.of(a.name()))).toList();
    private static final Map<String, List<String>> ECDH_KEYS =
            Map.of(ConditionKeys.KEY_AGREEMENT_ALGORITHM, List.of(KeyAgreementAlgorithm.ECDH.name()));

    @SuppressWarnings("unchecked")
    private static Map<String, List<String>>[][] signingKeys() {
        Map<String, List<String>>[][] all = new Map[SigningAlgorithm.values().length][MessageType.values().length];
        for (SigningAlgorithm a : SigningAlgorithm.values()) {
            for (MessageType t : MessageType.values()) {
                all[a.ordinal()][t.ordinal()] = Map.of(ConditionKeys.SIGNING_ALGORITHM, List.of(a.name()),
                        ConditionKeys.MESSAGE_TYPE, List.of(t.name()));
            }
        }
        return all;
    }

    private static Map<String, List<String>> signing(SigningAlgorithm algorithm, MessageType type) {
        return algorithm == null || type == null ? Map.of() : SIGNING_KEYS[algorithm.ordinal()][type.ordinal()];
    }

    private static Map<String, List<String>> encryption(EncryptionAlgorithm algorithm) {
        return algorithm == null ? Map.of() : ENCRYPTION_KEYS.get(algorithm.ordinal());
    }

    /** A key of an embedded store: named by a handle it gave out, or by id and alias (the KeyService methods). */
    public record Target(EmbeddedKeyService service, KmsPrivateKeyHandle handle, UUID id, String alias) {

        /** The key of a handle this provider gave out (else InvalidKeyException, not audited: it names no store). */
        public static Target of(KmsPrivateKeyHandle handle) throws InvalidKeyException {
            return new Target(ServicePrivateKeyHandle.serviceOf(handle), handle, handle.keyId(), handle.alias());
        }

        /** Key {@code id} of {@code service}, as the request named it ({@code alias}, or null). */
        public static Target named(EmbeddedKeyService service, UUID id, String alias) {
            return new Target(Objects.requireNonNull(service), null, Objects.requireNonNull(id), alias);
        }

        MasterKey usable(AuditOperation op, Map<String, List<String>> requestKeys) throws InvalidKeyException {
            return handle != null ? service.usablePair(handle, op, requestKeys) : service.usablePair(id, alias, op, requestKeys);
        }
    }

    /** What an operation does with the key once it is found usable. */
    @FunctionalInterface
    private interface Body<T> {
        T run(MasterKey key, KeyPairMaterial pair) throws GeneralSecurityException;
    }

    /**
     * Fails, audited, if the key is not Enabled or not of the usage {@code op} takes. The caller's
     * rights are decided by each request, with its algorithm: a key policy may allow
     * {@code kms:Sign} for one {@code kms:SigningAlgorithm} only, which {@code init} does not know.
     */
    @Override
    public void checkUsable(KmsPrivateKeyHandle key, AuditOperation op) throws InvalidKeyException {
        Target target = Target.of(key);
        try {
            target.usable(op, null);
        } catch (InvalidKeyException | RuntimeException e) {
            target.service().auditRecorder().record(null, op, target.id(), 0, target.alias(), e, EncryptionContext.EMPTY);
            throw e;
        }
    }

    @Override
    public byte[] sign(KmsPrivateKeyHandle key, byte[] message, int off, int len, MessageType type,
                       SigningAlgorithm algorithm) throws GeneralSecurityException {
        return sign(Target.of(key), message, off, len, type, algorithm);
    }

    /** KMS Sign of {@code message[off, off+len)} with {@code target}'s private key. */
    public byte[] sign(Target target, byte[] message, int off, int len, MessageType type, SigningAlgorithm algorithm)
            throws GeneralSecurityException {
        return perform(target, AuditOperation.SIGN, signing(algorithm, type), (key, pair) -> {
            checkSigning(key, message, off, len, type, algorithm);
            return primitives.sign(pair.privateKey(), key.keySpec(), algorithm, type, message, off, len);
        });
    }

    /** KMS Verify with {@code target}'s public key; an invalid signature is {@code false}, audited SUCCESS. */
    public boolean verify(Target target, byte[] message, MessageType type, byte[] signature, SigningAlgorithm algorithm)
            throws GeneralSecurityException {
        return perform(target, AuditOperation.VERIFY, signing(algorithm, type), (key, pair) -> {
            checkSigning(key, message, 0, message.length, type, algorithm);
            Objects.requireNonNull(signature, "signature");
            return primitives.verify(pair.publicKey(), key.keySpec(), algorithm, type, message, signature);
        });
    }

    /** KMS Encrypt with an RSA ENCRYPT_DECRYPT key: RSA-OAEP under its public key. */
    public byte[] encrypt(Target target, byte[] plaintext, EncryptionAlgorithm algorithm) throws GeneralSecurityException {
        return perform(target, AuditOperation.ENCRYPT, encryption(algorithm), (key, pair) -> {
            checkEncryption(key, algorithm);
            return primitives.encrypt(pair.publicKey(), key.keySpec(), algorithm, Objects.requireNonNull(plaintext, "plaintext"));
        });
    }

    @Override
    public byte[] decrypt(KmsPrivateKeyHandle key, byte[] ciphertext, EncryptionAlgorithm algorithm)
            throws GeneralSecurityException {
        return decrypt(Target.of(key), ciphertext, algorithm);
    }

    /** KMS Decrypt with an RSA ENCRYPT_DECRYPT key: RSA-OAEP with its private key. */
    public byte[] decrypt(Target target, byte[] ciphertext, EncryptionAlgorithm algorithm) throws GeneralSecurityException {
        return perform(target, AuditOperation.DECRYPT, encryption(algorithm), (key, pair) -> {
            checkEncryption(key, algorithm);
            return primitives.decrypt(pair.privateKey(), key.keySpec(), algorithm,
                    Objects.requireNonNull(ciphertext, "ciphertext"));
        });
    }

    @Override
    public byte[] deriveSharedSecret(KmsPrivateKeyHandle key, PublicKey peer) throws GeneralSecurityException {
        Target target = Target.of(key);
        return perform(target, AuditOperation.DERIVE_SHARED_SECRET, ECDH_KEYS, (k, pair) -> {
            byte[] der = peer == null ? null : peer.getEncoded();
            if (der == null) {
                throw new InvalidKeyException("the peer's public key has no X.509 encoding");
            }
            return agree(k, pair, der);
        });
    }

    /** KMS DeriveSharedSecret with {@code peerPublicKey}, X.509 SubjectPublicKeyInfo DER of the key's curve. */
    public byte[] deriveSharedSecret(Target target, KeyAgreementAlgorithm algorithm, byte[] peerPublicKey)
            throws GeneralSecurityException {
        return perform(target, AuditOperation.DERIVE_SHARED_SECRET,
                algorithm == KeyAgreementAlgorithm.ECDH ? ECDH_KEYS : Map.of(), (key, pair) -> {
            if (algorithm != KeyAgreementAlgorithm.ECDH) {
                throw new InvalidAlgorithmParameterException("key agreement algorithm must be ECDH, not " + algorithm);
            }
            if (peerPublicKey == null) {
                throw new InvalidKeyException("no peer public key");
            }
            return agree(key, pair, peerPublicKey);
        });
    }

    /** KMS GetPublicKey: the public half of {@code target}'s key, audited. */
    public PublicKey publicKey(Target target) throws GeneralSecurityException {
        return perform(target, AuditOperation.GET_PUBLIC_KEY, Map.of(), (key, pair) -> pair.publicKey());
    }

    /** The peer's key decoded strictly as one of the key's spec (same curve, a point on it), then ECDH. */
    private byte[] agree(MasterKey key, KeyPairMaterial pair, byte[] peerDer) throws GeneralSecurityException {
        PublicKey peer = KeyPairs.decodePublic(key.keySpec(), peerDer);
        return primitives.ecdh(pair.privateKey(), key.keySpec(), peer);
    }

    private static void checkSigning(MasterKey key, byte[] message, int off, int len, MessageType type,
                                     SigningAlgorithm algorithm) throws GeneralSecurityException {
        Objects.requireNonNull(message, "message");
        Objects.checkFromIndexSize(off, len, message.length);
        if (type == null || algorithm == null) {
            throw new InvalidAlgorithmParameterException("a message type and a signing algorithm are required");
        }
        if (!SigningAlgorithm.forKey(key.keySpec(), key.keyUsage()).contains(algorithm)) {
            throw new InvalidAlgorithmParameterException("key " + key.displayName() + " (" + key.keySpec()
                    + ") signs with " + SigningAlgorithm.forKey(key.keySpec(), key.keyUsage()) + ", not " + algorithm);
        }
        if (type == MessageType.RAW && len > MessageType.MAX_RAW_BYTES) {
            throw new SignatureException("a RAW message is at most " + MessageType.MAX_RAW_BYTES + " bytes, not " + len
                    + ": sign its DIGEST instead");
        }
    }

    private static void checkEncryption(MasterKey key, EncryptionAlgorithm algorithm) throws InvalidAlgorithmParameterException {
        if (algorithm == null || !EncryptionAlgorithm.forKey(key.keySpec(), key.keyUsage()).contains(algorithm)) {
            throw new InvalidAlgorithmParameterException("key " + key.displayName() + " (" + key.keySpec()
                    + ") encrypts with " + EncryptionAlgorithm.forKey(key.keySpec(), key.keyUsage()) + ", not " + algorithm);
        }
    }

    /** Resolves the key usable for {@code op}, runs {@code body}, audits the outcome. */
    private static <T> T perform(Target target, AuditOperation op, Map<String, List<String>> requestKeys, Body<T> body)
            throws GeneralSecurityException {
        OperationStart timed = OperationStart.begin();
        int version = 0;
        try {
            MasterKey key = target.usable(op, requestKeys);
            version = key.current().number();
            KeyPairMaterial pair = key.keyPair().orElseThrow(() -> new InvalidKeyException("key holds no key pair"));
            T result = body.run(key, pair);
            target.service().auditRecorder().record(timed, op, key.id(), version, target.alias(), null,
                    EncryptionContext.EMPTY);
            return result;
        } catch (GeneralSecurityException | RuntimeException e) {
            target.service().auditRecorder().record(timed, op, target.id(), version, target.alias(), e,
                    EncryptionContext.EMPTY);
            throw e;
        }
    }
}
