package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.crypto.KeySpecs;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyNames;
import io.kmsjca.internal.model.KeyPairMaterial;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.spi.audit.AuditOperation;

import java.security.InvalidKeyException;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How master keys come to be: KMS CreateKey (material generated inside the provider; a key
 * pair for an asymmetric spec), ImportKeyMaterial (a new key, or the next version of an
 * existing one; a caller's private key as a new asymmetric key), and the
 * provider-managed key of a service, made on first use.
 */
public final class KeyCreation {

    /** A key made or found, and the alias the request named it by (or null). */
    record Named(MasterKey key, String alias) {
    }

    private final KeyRegistry registry;
    private final KeyChanges changes;

    KeyCreation(KeyRegistry registry, KeyChanges changes) {
        this.registry = registry;
        this.changes = changes;
    }

    Named create(CreateKeyRequest request) throws KeyStoreException {
        if (request.keySpec().isAsymmetric()) {
            throw changes.audited(AuditOperation.CREATE_KEY, null, request.alias(), new InvalidKeyRequestException(
                    "a " + request.keySpec() + " key is a key pair: create it with createKeyPair"));
        }
        if (request.keySpec().family() == KeySpec.Family.HMAC) {
            return createHmac(request);
        }
        checkUsage(AuditOperation.CREATE_KEY, request.alias(), request.keySpec(), request.keyUsage());
        changes.authorize(AuditOperation.CREATE_KEY, "kms:CreateKey", null, request.alias(),
                RequestKeys.createKey(request, KeyOrigin.GENERATED));
        KeyChanges.NewKeyPolicy policy = changes.newKeyPolicy(AuditOperation.CREATE_KEY, request);
        String alias = request.alias() == null ? null : changes.customerAlias(request.alias(), AuditOperation.CREATE_KEY);
        return named(changes.newKey(AuditOperation.CREATE_KEY, alias, request.description(), request.tags(),
                KeyManagerType.CUSTOMER, request.rotationPeriodDays(), RotationReason.CREATED, null, policy), alias);
    }

    /**
     * KMS CreateKey of an HMAC key: material of the spec's key length (HMAC_256: 32 bytes) drawn
     * from the provider's generator. The usage must be GENERATE_VERIFY_MAC, named (as AWS asks),
     * and there is no rotation period (HMAC keys do not rotate, as in AWS KMS).
     */
    private Named createHmac(CreateKeyRequest request) throws KeyStoreException {
        AuditOperation op = AuditOperation.CREATE_KEY;
        KeySpec spec = request.keySpec();
        checkUsage(op, request.alias(), spec, request.keyUsage());
        if (request.rotationPeriodDays() != 0) {
            throw changes.audited(op, null, request.alias(), new InvalidKeyRequestException("a " + spec
                    + " key cannot have a rotation period: HMAC keys do not rotate, as in AWS KMS"));
        }
        changes.authorize(op, "kms:CreateKey", null, request.alias(), RequestKeys.createKey(request, KeyOrigin.GENERATED));
        KeyChanges.NewKeyPolicy policy = changes.newKeyPolicy(op, request);
        String alias = request.alias() == null ? null : changes.customerAlias(request.alias(), op);
        byte[] material = new byte[KeyVersion.generatedHmacBytes(spec)];
        KmsRandom.nextBytes(material);
        try {
            return named(changes.newHmacKey(op, alias, request.description(), request.tags(), spec, KeyOrigin.GENERATED,
                    material, policy), alias);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * A new HMAC key holding {@code material} given in plain (origin EXTERNAL), audited
     * IMPORT_KEY_MATERIAL: the test path until ImportKeyMaterial with a wrapping key (#20, byok)
     * carries material only encrypted. The material's length must be one AWS allows for the spec.
     */
    Named importHmac(String alias, KeySpec spec, byte[] material) throws KeyStoreException {
        AuditOperation op = AuditOperation.IMPORT_KEY_MATERIAL;
        if (spec.family() != KeySpec.Family.HMAC) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException("not an HMAC spec: " + spec));
        }
        try {
            KeyVersion.checkHmacLength(spec, material == null ? -1 : material.length);
        } catch (IllegalArgumentException e) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException(e.getMessage(), e));
        }
        changes.authorize(AuditOperation.CREATE_KEY, "kms:CreateKey", null, alias,
                RequestKeys.createKey(spec, KeyUsage.GENERATE_VERIFY_MAC, KeyOrigin.IMPORTED));
        String name = alias == null ? null : changes.customerAlias(alias, op);
        return named(changes.newHmacKey(op, name, "", Map.of(), spec, KeyOrigin.IMPORTED, material, null), name);
    }

    /** KMS CreateKey of an asymmetric key: a key pair of the request's spec generated here. */
    Named createPair(CreateKeyRequest request) throws KeyStoreException {
        AuditOperation op = AuditOperation.CREATE_KEY;
        KeySpec spec = request.keySpec();
        KeyUsage usage = request.keyUsage();
        if (!spec.isAsymmetric()) {
            throw changes.audited(op, null, request.alias(), new InvalidKeyRequestException(
                    "createKeyPair makes asymmetric keys (RSA, ECC, ML-DSA, Ed25519), not " + spec + ": use createKey"));
        }
        checkUsage(op, request.alias(), spec, usage);
        if (request.rotationPeriodDays() != 0) {
            throw changes.audited(op, null, request.alias(), new InvalidKeyRequestException("a " + spec
                    + " key cannot have a rotation period: asymmetric keys do not rotate, as in AWS KMS"));
        }
        changes.authorize(op, "kms:CreateKey", null, request.alias(), RequestKeys.createKey(request, KeyOrigin.GENERATED));
        KeyChanges.NewKeyPolicy policy = changes.newKeyPolicy(op, request);
        String alias = request.alias() == null ? null : changes.customerAlias(request.alias(), op);
        KeyPairMaterial pair = KeyPairMaterial.of(spec, KeyPairs.generate(spec));
        return named(changes.newKeyPair(op, alias, request.description(), request.tags(), spec, usage,
                KeyOrigin.GENERATED, pair, CertificateChain.EMPTY, policy), alias);
    }

    /**
     * A caller's private key made a new asymmetric key (KeyStore.setKeyEntry, keytool
     * -importkeystore, KeyPairGenerator "KMS"), with its certificate chain: audited IMPORT_KEY_MATERIAL.
     */
    Named importPair(String alias, KeyUsage requested, PrivateKey privateKey, List<X509Certificate> chain)
            throws KeyStoreException {
        AuditOperation op = AuditOperation.IMPORT_KEY_MATERIAL;
        if (privateKey == null) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException("no private key to import"));
        }
        KeySpec spec;
        PublicKey publicKey;
        CertificateChain certificates;
        try {
            spec = KeySpecs.of(privateKey);
            publicKey = KeyPairs.publicOf(spec, privateKey);
        } catch (InvalidKeyException e) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException(e.getMessage(), e));
        }
        KeyUsage usage = requested == null ? spec.allowedUsages().get(0) : requested;
        checkUsage(op, alias, spec, usage);
        try {
            certificates = CertificateChain.of(chain);
        } catch (IllegalArgumentException e) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException(e.getMessage(), e));
        }
        if (!certificates.isEmpty() && !PublicKeys.same(certificates.certificates().get(0).getPublicKey(), publicKey)) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException("the first certificate of the chain ("
                    + certificates.certificates().get(0).getSubjectX500Principal().getName()
                    + ") does not carry the public key of the " + spec + " key imported"));
        }
        changes.authorize(AuditOperation.CREATE_KEY, "kms:CreateKey", null, alias,
                RequestKeys.createKey(spec, usage, KeyOrigin.IMPORTED));
        String name = alias == null ? null : changes.customerAlias(alias, op);
        KeyPairMaterial pair = ownCopy(op, name, spec, privateKey, publicKey);
        return named(changes.newKeyPair(op, name, "", Map.of(), spec, usage, KeyOrigin.IMPORTED, pair, certificates, null),
                name);
    }

    /** The caller's key decoded afresh from its PKCS#8, so the key kept is the provider's own object. */
    private KeyPairMaterial ownCopy(AuditOperation op, String alias, KeySpec spec, PrivateKey privateKey,
                                    PublicKey publicKey) throws KeyStoreException {
        byte[] pkcs8 = privateKey.getEncoded();
        if (pkcs8 == null) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException("the " + spec
                    + " private key has no PKCS#8 encoding: it cannot be imported (a key that never leaves its token?)"));
        }
        try {
            PrivateKey decoded = KeyPairs.decodePrivate(spec, pkcs8);
            KeyPairs.checkPairwise(spec, decoded, publicKey); // an inconsistent pair would never sign or decrypt
            return new KeyPairMaterial(spec, pkcs8, decoded, publicKey);
        } catch (InvalidKeyException e) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException(e.getMessage(), e));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private void checkUsage(AuditOperation op, String alias, KeySpec spec, KeyUsage usage) throws KeyStoreException {
        if (!spec.allowedUsages().contains(usage)) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException("a " + spec + " key may be used for "
                    + spec.allowedUsages() + ", not " + usage));
        }
    }

    Named importMaterial(String alias, byte[] material) throws KeyStoreException {
        AuditOperation op = AuditOperation.IMPORT_KEY_MATERIAL;
        if (material == null || material.length != 32) {
            throw changes.audited(op, null, alias, new InvalidKeyRequestException("master keys are AES-256: key material must be 32 bytes, was "
                    + (material == null ? "null" : material.length)));
        }
        String name = alias == null ? null : changes.normalize(alias, op);
        return registry.atomically(() -> {
            // by its alias only: a key id is no alias, and keytool's "exists, overwrite?" asks by alias
            Optional<MasterKey> existing = name == null ? Optional.empty()
                    : registry.lookup(name).filter(k -> k.aliases().contains(name));
            if (existing.isEmpty()) {
                changes.authorize(AuditOperation.CREATE_KEY, "kms:CreateKey", null, name, RequestKeys.createKey(KeyOrigin.IMPORTED));
                String newAlias = name == null ? null : changes.customerAlias(name, op);
                return named(changes.newKey(op, newAlias, "", Map.of(), KeyManagerType.CUSTOMER, 0, RotationReason.IMPORTED,
                        material, null), newAlias);
            }
            changes.authorize(op, existing.get(), name);
            MasterKey key = changes.apply(op, existing.get(), name, k -> {
                k.requireCustomerManaged("given imported material");
                return k.withVersion(changes.newVersion(k, RotationReason.IMPORTED, material));
            });
            return named(key, name);
        });
    }

    Named managed(String serviceName) throws KeyStoreException {
        String alias = changes.normalize(KeyNames.MANAGED_ALIAS_PREFIX + serviceName, AuditOperation.CREATE_KEY);
        return registry.atomically(() -> {
            Optional<MasterKey> existing = registry.lookup(alias);
            if (existing.isPresent()) {
                return named(existing.get(), alias); // a handle, as findKey gives: each use is authorized
            }
            changes.authorize(AuditOperation.CREATE_KEY, "kms:CreateKey", null, alias,
                    RequestKeys.createKey(KeyOrigin.GENERATED));
            return named(changes.newKey(AuditOperation.CREATE_KEY, alias, "provider-managed key of " + serviceName, Map.of(),
                    KeyManagerType.PROVIDER, MasterKey.DEFAULT_ROTATION_DAYS, RotationReason.CREATED, null, null), alias);
        });
    }

    private static Named named(MasterKey key, String alias) {
        return new Named(key, alias);
    }
}
