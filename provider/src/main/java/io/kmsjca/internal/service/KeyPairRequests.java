package io.kmsjca.internal.service;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.engine.PrivateKeyEngine;
import io.kmsjca.internal.engine.WrapEngine;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.internal.audit.OperationStart;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyNames;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.DataKeyPair;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyStoreException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code KeyService} requests on asymmetric keys that name a key by alias or id: each finds
 * the key and runs the {@link PrivateKeyEngine} the JCA services use (one set of rules, audited
 * there), plus the requests only the key service makes: GenerateDataKeyPair (a pair wrapped under
 * a symmetric key by KMSWrap) and the certificate chain stored with a key.
 */
final class KeyPairRequests {

    /** The key pair specs of GenerateDataKeyPair: AWS KMS's (RSA, ECC), and Ed25519 as an extension. */
    static final Set<KeySpec> DATA_KEY_PAIR_SPECS = EnumSet.of(KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096,
            KeySpec.ECC_NIST_P256, KeySpec.ECC_NIST_P384, KeySpec.ECC_NIST_P521, KeySpec.ECC_SECG_P256K1,
            KeySpec.ECC_NIST_EDWARDS25519);

    private final EmbeddedKeyService service;
    private final KeyRegistry registry;
    private final KeyChanges changes;
    private final KeyUse use;
    private final AuditDispatcher audit;

    KeyPairRequests(EmbeddedKeyService service, KeyRegistry registry, KeyChanges changes, KeyUse use,
                    AuditDispatcher audit) {
        this.service = service;
        this.registry = registry;
        this.changes = changes;
        this.use = use;
        this.audit = audit;
    }

    /** A handle on an asymmetric key that holds its pair; empty for a symmetric key or none. */
    Optional<KmsPrivateKeyHandle> find(String aliasOrKeyId) {
        return registry.lookup(aliasOrKeyId).filter(MasterKey::isAsymmetric).flatMap(k -> k.keyPair().map(pair ->
                ServicePrivateKeyHandle.of(service, k.id(), KeyNames.aliasIn(k, aliasOrKeyId), k.keySpec(),
                        k.keyUsage(), pair.publicKey())));
    }

    /** The key a request names; an unknown one refused (InvalidKeyException), audited. */
    PrivateKeyEngine.Target target(String key, AuditOperation op) throws InvalidKeyException {
        Optional<MasterKey> found = key == null ? Optional.empty() : registry.lookup(key);
        if (found.isEmpty()) {
            InvalidKeyException e = new InvalidKeyException("no key with alias or id '" + key + "'");
            audit.record(op, null, 0, null, e, EncryptionContext.EMPTY);
            throw e;
        }
        return PrivateKeyEngine.Target.named(service, found.get().id(), KeyNames.aliasIn(found.get(), key));
    }

    PublicKey publicKey(String key) throws KeyStoreException {
        MasterKey found = changes.lookup(key, AuditOperation.GET_PUBLIC_KEY);
        try {
            return new PrivateKeyEngine().publicKey(PrivateKeyEngine.Target.named(service, found.id(),
                    KeyNames.aliasIn(found, key)));
        } catch (GeneralSecurityException e) {
            throw asKeyStoreException(e);
        }
    }

    /** A refusal of the engine (already audited) as the management API's exception. */
    private static KeyStoreException asKeyStoreException(GeneralSecurityException e) {
        KeyStoreException converted;
        if (e instanceof KeyUseDeniedException denied) {
            converted = new KeyAccessDeniedException(denied.denial());
            converted.initCause(e);
        } else if (e instanceof KeyUnavailableException) {
            converted = new KeyStateException(e.getMessage(), e);
        } else {
            converted = new InvalidKeyRequestException(e.getMessage(), e);
        }
        return converted;
    }

    /** KMS GenerateDataKeyPair[WithoutPlaintext]: a fresh pair, its PKCS#8 sealed by KMSWrap under {@code key}. */
    DataKeyPair generateDataKeyPair(String key, KeySpec pairSpec, Map<String, String> context, boolean withPlaintext)
            throws GeneralSecurityException {
        AuditOperation op = withPlaintext ? AuditOperation.GENERATE_DATA_KEY_PAIR
                : AuditOperation.GENERATE_DATA_KEY_PAIR_WITHOUT_PLAINTEXT;
        OperationStart timed = OperationStart.begin();
        EncryptionContext ctx = EncryptionContext.EMPTY;
        UUID id = null;
        String alias = null;
        try {
            ctx = EncryptionContext.of(context == null ? Map.of() : context);
            if (pairSpec == null || !DATA_KEY_PAIR_SPECS.contains(pairSpec)) {
                throw new InvalidAlgorithmParameterException("a data key pair is one of " + DATA_KEY_PAIR_SPECS
                        + ", not " + pairSpec);
            }
            Optional<MasterKey> found = key == null ? Optional.empty() : registry.lookup(key);
            if (found.isEmpty()) {
                throw new InvalidKeyException("no key with alias or id '" + key + "'");
            }
            id = found.get().id();
            alias = KeyNames.aliasIn(found.get(), key);
            MasterKey wrapping = use.usableKey(id, alias, op, ctx);
            KeyPair pair = KeyPairs.generate(pairSpec);
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            try {
                byte[] blob = new WrapEngine().sealUnaudited(use, wrapping, pkcs8, 0, pkcs8.length, ctx, null, 0);
                audit.record(timed, op, id, WrappedKeyBlob.keyVersion(blob), alias, null, ctx);
                return new DataKeyPair(id, pairSpec, pair.getPublic().getEncoded(), withPlaintext ? pkcs8.clone() : null,
                        blob);
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            audit.record(timed, op, id, 0, alias, e, ctx);
            throw e;
        }
    }

    /** The chain stored with a key (empty for none, and for a symmetric key); reading it is kms:DescribeKey. */
    List<X509Certificate> certificateChain(String key) throws KeyStoreException {
        return changes.find(key, AuditOperation.DESCRIBE_KEY).certificateChain().certificates();
    }

    /** Replaces the chain of an asymmetric key; its first certificate must carry the key's public key. */
    void setCertificateChain(String key, List<X509Certificate> chain) throws KeyStoreException {
        AuditOperation op = AuditOperation.SET_CERTIFICATE_CHAIN;
        CertificateChain next;
        try {
            next = CertificateChain.of(chain);
        } catch (IllegalArgumentException e) {
            throw changes.audited(op, null, null, new InvalidKeyRequestException(e.getMessage(), e));
        }
        // refuses a symmetric key, a key not Enabled or Disabled, a leaf of another public key
        changes.change(op, key, null, k -> k.withCertificateChain(next));
    }
}
