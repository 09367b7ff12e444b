package io.kmsjca.provider;

import io.kmsjca.internal.crypto.AsymmetricPrimitives;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.engine.PrivateKeyHandleBase;
import io.kmsjca.internal.engine.PrivateKeyOperations;
import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The private key of a pair that {@code KeyPairGenerator} of the KMS provider made and no key
 * store holds yet: a handle like a stored key's ({@code getEncoded()} null, not serializable), whose
 * private key lives only in this object, inside the provider. It does one thing: sign (the
 * self-signed certificate {@code keytool -genkeypair} makes before it stores the pair); anything
 * else is refused. {@code KeyStore.setKeyEntry(alias, pending, password, chain)} on a KMS key store
 * makes it a stored key (KMS {@code importKeyPair}) and destroys this object, which then refuses
 * everything: from then on the key is the store's, reached through {@code getKey(alias)}.
 *
 * <p>Its signatures are not audited: no store knows the key yet. Its key id is random and names
 * nothing until then; the stored key gets its own. The JDK's private-key objects cannot be wiped,
 * so destroying drops the one reference to it.
 */
abstract class PendingPrivateKey implements KmsPrivateKeyHandle, PrivateKeyOperations.Provided {
    private static final long serialVersionUID = 1L;

    private final UUID pendingId;
    private final KeySpec spec;
    private final transient PublicKey publicKey;
    private transient volatile PrivateKey privateKey;
    /** Set while a key store stores the pair: one store at a time, and only one ever succeeds. */
    private final transient AtomicBoolean storing = new AtomicBoolean();

    private PendingPrivateKey(KeySpec spec, KeyPair pair) {
        byte[] id = new byte[16];
        KmsRandom.nextBytes(id);
        ByteBuffer b = ByteBuffer.wrap(id);
        this.pendingId = new UUID(b.getLong(), b.getLong());
        this.spec = spec;
        this.publicKey = pair.getPublic();
        this.privateKey = pair.getPrivate();
    }

    /** The pending handle of a fresh pair of {@code spec}, implementing the JDK interface of its kind. */
    static PendingPrivateKey of(KeySpec spec, KeyPair pair) {
        return switch (spec.family()) {
            case RSA -> new Rsa(spec, pair);
            case EC -> new Ec(spec, pair);
            case EDDSA -> new EdEc(spec, pair);
            case ML_DSA -> new MlDsa(spec, pair);
            case AES, HMAC -> throw new IllegalArgumentException(spec + " is no key pair");
        };
    }

    /** A random id: the pair is no store's key yet. */
    @Override
    public UUID keyId() {
        return pendingId;
    }

    /** Null: no alias until a key store holds it. */
    @Override
    public String alias() {
        return null;
    }

    @Override
    public KeySpec keySpec() {
        return spec;
    }

    /** SIGN_VERIFY: what a key pair from the generator is (docs/decisions.md). */
    @Override
    public KeyUsage keyUsage() {
        return KeyUsage.SIGN_VERIFY;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    /** {@code RSA}, {@code EC}, {@code EdDSA} or {@code ML-DSA}: what a stored key's handle reports. */
    @Override
    public String getAlgorithm() {
        return PrivateKeyHandleBase.algorithmOf(spec);
    }

    /** Null: the private key never leaves the provider. */
    @Override
    public String getFormat() {
        return null;
    }

    /** Null: the private key never leaves the provider. */
    @Override
    public byte[] getEncoded() {
        return null;
    }

    @Override
    public void destroy() {
        privateKey = null;
    }

    @Override
    public boolean isDestroyed() {
        return privateKey == null;
    }

    /**
     * The private key, for the key store that stores it ({@link KmsKeyStoreSpi}), claimed for that
     * store alone: it then {@linkplain #stored() destroys} this handle, or {@linkplain #release()
     * releases} it when the store refused the pair.
     *
     * @throws InvalidKeyException the pair was stored already, is being stored, or was destroyed
     */
    PrivateKey claimToStore() throws InvalidKeyException {
        if (!storing.compareAndSet(false, true)) {
            throw new InvalidKeyException(this + " is being stored in a key store: a pending pair becomes one store's key");
        }
        PrivateKey k = privateKey;
        if (k == null) {
            storing.set(false);
            throw new InvalidKeyException(this + " was stored or destroyed: get the stored key from its key store");
        }
        return k;
    }

    /** The claimed pair is stored: this handle is destroyed (the claim is never released). */
    void stored() {
        destroy();
    }

    /** The store refused the claimed pair: another store may take it. */
    void release() {
        storing.set(false);
    }

    /** The private key to sign with, until the pair is stored or destroyed. */
    private PrivateKey privateKey() throws InvalidKeyException {
        PrivateKey k = privateKey;
        if (k == null) {
            throw new InvalidKeyException(this + " was stored or destroyed: get the stored key from its key store");
        }
        return k;
    }

    /** Its own operations, each with its own primitives (a JCA object is used by one thread). */
    @Override
    public PrivateKeyOperations privateKeyOperations() {
        return new Signing(this);
    }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("a pending KMS key pair lives in the provider and cannot be serialized");
    }

    @Override
    public String toString() {
        return "KmsPendingKeyPair[" + spec + ", not stored in a key store yet]";
    }

    /** Signs in memory; refuses the other operations, which need a stored key of their usage. */
    private static final class Signing implements PrivateKeyOperations {
        private final PendingPrivateKey pending;
        private final AsymmetricPrimitives primitives = new AsymmetricPrimitives();

        Signing(PendingPrivateKey pending) {
            this.pending = pending;
        }

        @Override
        public void checkUsable(KmsPrivateKeyHandle key, AuditOperation op) throws InvalidKeyException {
            if (op != AuditOperation.SIGN) {
                throw new InvalidKeyException(pending + " only signs until a KMS key store holds it, and a key pair "
                        + "from KeyPairGenerator is SIGN_VERIFY; create an " + op + " key with KeyService.createKeyPair");
            }
            pending.privateKey();
        }

        @Override
        public byte[] sign(KmsPrivateKeyHandle key, byte[] message, int off, int len, MessageType type,
                           SigningAlgorithm algorithm) throws GeneralSecurityException {
            return primitives.sign(pending.privateKey(), pending.spec, algorithm, type, message, off, len);
        }

        @Override
        public byte[] decrypt(KmsPrivateKeyHandle key, byte[] ciphertext, EncryptionAlgorithm algorithm)
                throws InvalidKeyException {
            checkUsable(key, AuditOperation.DECRYPT);
            throw new IllegalStateException("unreachable");
        }

        @Override
        public byte[] deriveSharedSecret(KmsPrivateKeyHandle key, PublicKey peer) throws InvalidKeyException {
            checkUsable(key, AuditOperation.DERIVE_SHARED_SECRET);
            throw new IllegalStateException("unreachable");
        }
    }

    /** RSA: its modulus (public), so JSSE and keytool can size it; as a stored key's handle. */
    static final class Rsa extends PendingPrivateKey implements PrivateKeyHandleBase.Rsa {
        private static final long serialVersionUID = 1L;

        Rsa(KeySpec spec, KeyPair pair) {
            super(spec, pair);
        }

        /** Declared here too: on JDK 22+ {@code PrivateKey} brings a default {@code getParams} of its own. */
        @Override
        public AlgorithmParameterSpec getParams() {
            return PrivateKeyHandleBase.Rsa.super.getParams();
        }
    }

    /** EC: its curve, so JSSE and keytool can pick the signature algorithm. */
    static final class Ec extends PendingPrivateKey implements PrivateKeyHandleBase.Ec {
        private static final long serialVersionUID = 1L;

        Ec(KeySpec spec, KeyPair pair) {
            super(spec, pair);
        }

        @Override
        public ECParameterSpec getParams() {
            return PrivateKeyHandleBase.Ec.super.getParams();
        }
    }

    /** Ed25519: its parameters, so the JDK names the signature algorithm. */
    static final class EdEc extends PendingPrivateKey implements PrivateKeyHandleBase.EdEc {
        private static final long serialVersionUID = 1L;

        EdEc(KeySpec spec, KeyPair pair) {
            super(spec, pair);
        }

        @Override
        public NamedParameterSpec getParams() {
            return PrivateKeyHandleBase.EdEc.super.getParams();
        }
    }

    /** ML-DSA: no JDK 17 interface describes it. */
    static final class MlDsa extends PendingPrivateKey {
        private static final long serialVersionUID = 1L;

        MlDsa(KeySpec spec, KeyPair pair) {
            super(spec, pair);
        }
    }
}
