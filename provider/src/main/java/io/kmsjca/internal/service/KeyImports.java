package io.kmsjca.internal.service;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.crypto.ImportUnwrap;
import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.crypto.KeySpecs;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.format.ImportToken;
import io.kmsjca.internal.model.ImportRefused;
import io.kmsjca.internal.model.ImportState;
import io.kmsjca.internal.model.KeyPairMaterial;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.model.TransitionArgumentInvalid;
import io.kmsjca.internal.model.TransitionRefused;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.ImportRefusedException;
import io.kmsjca.keys.ImportRefusedException.Reason;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.RotationReason;
import io.kmsjca.keys.WrappingAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.BadPaddingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Bring your own key as AWS KMS does it: CreateKey with origin EXTERNAL (a key in PendingImport
 * without material), GetParametersForImport (a wrapping RSA key kept sealed in the key's record,
 * and an authenticated import token), ImportKeyMaterial (token checked, material unwrapped and
 * checked against the key's spec and its first material), DeleteImportedKeyMaterial and the
 * expiry of material at its ValidTo. Every refusal is audited and leaves the key unchanged.
 */
final class KeyImports {

    /** How long parameters are valid (AWS: 24 hours). */
    static final Duration PARAMETERS_VALID = Duration.ofHours(24);
    /** The furthest ValidTo an import may set (AWS: 365 days from now). */
    static final Duration MAX_VALID_TO = Duration.ofDays(365);
    private static final byte[] DIGEST_LABEL = "kms-jca/v1/import-material".getBytes(StandardCharsets.US_ASCII);
    private static final List<KeySpec> WRAPPING_SPECS = List.of(KeySpec.RSA_2048, KeySpec.RSA_3072, KeySpec.RSA_4096);

    private final KeyRegistry registry;
    private final KeyChanges changes;
    private final AuditDispatcher audit;

    KeyImports(KeyRegistry registry, KeyChanges changes, AuditDispatcher audit) {
        this.registry = registry;
        this.changes = changes;
        this.audit = audit;
    }

    /** CreateKey (or CreateKey of a key pair spec) with origin EXTERNAL: a key in PendingImport. */
    KeyCreation.Named createExternal(CreateKeyRequest request) throws KeyStoreException {
        AuditOperation op = AuditOperation.CREATE_KEY;
        if (request.rotationPeriodDays() != 0) {
            throw changes.audited(op, null, request.alias(), new InvalidKeyRequestException("a key of origin EXTERNAL"
                    + " cannot have a rotation period: its material is imported, not generated"));
        }
        changes.authorize(op, "kms:CreateKey", null, request.alias(), RequestKeys.createKey(request, KeyOrigin.IMPORTED));
        KeyChanges.NewKeyPolicy policy = changes.newKeyPolicy(op, request);
        String alias = request.alias() == null ? null : changes.customerAlias(request.alias(), op);
        MasterKey key = changes.newExternalKey(op, alias, request, policy);
        return new KeyCreation.Named(key, alias);
    }

    ImportParameters parameters(String keyRef, WrappingAlgorithm algorithm, KeySpec wrappingSpec)
            throws KeyStoreException {
        AuditOperation op = AuditOperation.GET_PARAMETERS_FOR_IMPORT;
        MasterKey key = changes.lookup(keyRef, op);
        if (algorithm == null || wrappingSpec == null || !WRAPPING_SPECS.contains(wrappingSpec)) {
            throw changes.audited(op, key.id(), null, new InvalidKeyRequestException("a wrapping key is "
                    + WRAPPING_SPECS + " with a wrapping algorithm of " + List.of(WrappingAlgorithm.values())
                    + ", not " + wrappingSpec + " with " + algorithm));
        }
        changes.authorize(op, "kms:GetParametersForImport", key, null, Map.of(
                "kms:WrappingAlgorithm", List.of(algorithm.name()), "kms:WrappingKeySpec", List.of(wrappingSpec.name())));
        boolean direct = algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_1 || algorithm == WrappingAlgorithm.RSAES_OAEP_SHA_256;
        KeySpec spec = key.keySpec();
        if (direct && (spec.family() == KeySpec.Family.RSA || spec.family() == KeySpec.Family.ML_DSA)) {
            // AWS KMS: RSA private keys (and ML-DSA's) are longer than one OAEP block carries
            throw changes.audited(op, key.id(), null, new InvalidKeyRequestException(algorithm + " cannot carry the"
                    + " private key of a " + spec + " key: use " + WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256));
        }
        try {
            key.requireImportParametersAllowed(); // before the cost of an RSA key pair of up to 4096 bits
        } catch (ImportRefused e) {
            throw refused(op, key, e);
        } catch (TransitionRefused e) {
            throw changes.audited(op, key.id(), null, new KeyStateException(e.getMessage(), e));
        }
        KeyPair wrapping = KeyPairs.generate(wrappingSpec);
        byte[] pkcs8 = wrapping.getPrivate().getEncoded();
        byte[] spki = wrapping.getPublic().getEncoded();
        Instant validTo = changes.now().plus(PARAMETERS_VALID);
        ImportState.WrappingParameters params;
        try {
            params = new ImportState.WrappingParameters(algorithm, wrappingSpec, new SecretBytes(pkcs8, "PKCS#8"), spki, validTo);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        MasterKey changed;
        try {
            changed = apply(op, key, k -> k.withWrappingParameters(params));
        } catch (KeyStoreException e) {
            params.privateKey().destroy();
            throw e;
        }
        byte[] token = ImportToken.encode(new ImportToken.Fields(changed.id(), algorithm, wrappingSpec,
                ImportToken.publicKeyDigest(spki), validTo), body -> registry.root().importTag(ImportToken.TAG_LABEL, body));
        return new ImportParameters(changed.id(), token, spki, algorithm, wrappingSpec, validTo);
    }

    void importMaterial(String keyRef, byte[] token, byte[] encrypted, ExpirationModel model, Instant validTo)
            throws KeyStoreException {
        AuditOperation op = AuditOperation.IMPORT_KEY_MATERIAL;
        MasterKey key = changes.lookup(keyRef, op);
        Instant now = changes.now();
        checkExpiration(op, key, model, validTo, now);
        // kms:ValidTo (a date key in AWS) is not a condition key here yet: docs/decisions.md
        changes.authorize(op, "kms:ImportKeyMaterial", key, null, Map.of("kms:ExpirationModel", List.of(model.name())));
        if (!key.isExternal()) {
            throw refused(op, key, new ImportRefused(Reason.UNSUPPORTED_OPERATION, "key " + key.displayName()
                    + " is not of origin EXTERNAL: material is imported only into a key created with origin EXTERNAL"));
        }
        ImportState.WrappingParameters params = checkToken(op, key, token, now);
        byte[] material = unwrap(op, key, params, encrypted);
        KeyVersion version = null;
        try {
            version = versionOf(op, key, material);
            byte[] digest = registry.root().importTag(DIGEST_LABEL, uuidBytes(key.id()), material);
            KeyVersion v = version;
            // the token was checked against this process's snapshot; the commit may re-read the key
            // (another process or thread changed it): the parameters must still be the ones checked
            MasterKey changed = apply(op, key, k -> stillCurrent(k, params).materialImported(v, digest, model, validTo));
            if (changed.versions().get(0) != version) {
                version.wipe(); // the same material was there already: this copy is not kept
            }
            version = null;
        } finally {
            Arrays.fill(material, (byte) 0);
            if (version != null) {
                version.wipe();
            }
        }
    }

    void deleteMaterial(String keyRef) throws KeyStoreException {
        AuditOperation op = AuditOperation.DELETE_IMPORTED_KEY_MATERIAL;
        MasterKey key = changes.find(keyRef, op);
        Instant now = changes.now();
        apply(op, key, k -> k.materialRemoved(now));
    }

    private void checkExpiration(AuditOperation op, MasterKey key, ExpirationModel model, Instant validTo, Instant now)
            throws KeyStoreException {
        String wrong = null;
        if (model == null) {
            wrong = "an expiration model is required: " + List.of(ExpirationModel.values());
        } else if (model == ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE && validTo != null) {
            wrong = "ValidTo is set only with KEY_MATERIAL_EXPIRES";
        } else if (model == ExpirationModel.KEY_MATERIAL_EXPIRES
                && (validTo == null || !validTo.isAfter(now) || validTo.isAfter(now.plus(MAX_VALID_TO)))) {
            wrong = "KEY_MATERIAL_EXPIRES needs a ValidTo after now and at most " + MAX_VALID_TO.toDays()
                    + " days from now, not " + validTo;
        }
        if (wrong != null) {
            throw changes.audited(op, key.id(), null, new InvalidKeyRequestException(wrong));
        }
    }

    /** The parameters {@code token} names, if it is authentic, this key's, current and unexpired. */
    private ImportState.WrappingParameters checkToken(AuditOperation op, MasterKey key, byte[] token, Instant now)
            throws KeyStoreException {
        Optional<ImportToken.Fields> fields = ImportToken.decode(token,
                body -> registry.root().importTag(ImportToken.TAG_LABEL, body));
        if (fields.isEmpty()) {
            throw refused(op, key, new ImportRefused(Reason.INVALID_IMPORT_TOKEN, "the import token is not one this"
                    + " key store issued (altered or truncated)"));
        }
        ImportToken.Fields f = fields.get();
        if (!f.keyId().equals(key.id())) {
            throw refused(op, key, new ImportRefused(Reason.INVALID_IMPORT_TOKEN, "the import token is for key "
                    + f.keyId() + ", not " + key.displayName()));
        }
        if (!now.isBefore(f.validTo())) {
            throw refused(op, key, new ImportRefused(Reason.EXPIRED_IMPORT_TOKEN, "the import token expired at "
                    + f.validTo() + ": call GetParametersForImport again"));
        }
        ImportState.WrappingParameters params = key.imports().orElseThrow().wrapping();
        if (params == null || !MessageDigest.isEqual(ImportToken.publicKeyDigest(params.publicKeyDer()), f.publicKeyDigest())
                || params.algorithm() != f.algorithm() || params.wrappingSpec() != f.wrappingSpec()) {
            throw refused(op, key, superseded(key));
        }
        return params;
    }

    /** {@code key} if its parameters are still {@code checked} (the token's), else the superseded refusal. */
    private static MasterKey stillCurrent(MasterKey key, ImportState.WrappingParameters checked) {
        ImportState.WrappingParameters now = key.imports().map(ImportState::wrapping).orElse(null);
        // the public key names the parameters (as the token does); ValidTo is not compared: the
        // record holds it in milliseconds, parameters made by this process at the clock's precision
        if (now == null || !Arrays.equals(now.publicKeyDer(), checked.publicKeyDer())
                || now.algorithm() != checked.algorithm() || now.wrappingSpec() != checked.wrappingSpec()) {
            throw superseded(key);
        }
        return key;
    }

    private static ImportRefused superseded(MasterKey key) {
        return new ImportRefused(Reason.INVALID_IMPORT_TOKEN, "the import token of key " + key.displayName()
                + " was superseded by a later GetParametersForImport or already used: use the latest parameters");
    }

    private byte[] unwrap(AuditOperation op, MasterKey key, ImportState.WrappingParameters params, byte[] encrypted)
            throws KeyStoreException {
        if (params.isSealedAway()) {
            throw changes.audited(op, key.id(), null, new KeyStoreException("the import parameters of key "
                    + key.displayName() + " are sealed to " + String.join(", ", params.sealed().group().principals())
                    + ", who may import into it; this credential holds no seal of them: get parameters of its own"
                    + " (GetParametersForImport)"));
        }
        byte[] pkcs8 = new byte[0];
        try {
            pkcs8 = params.privateKey().getEncoded();
            PrivateKey wrappingKey = KeyPairs.decodePrivate(params.wrappingSpec(), pkcs8);
            return ImportUnwrap.unwrap(wrappingKey, params.wrappingSpec(), params.algorithm(),
                    encrypted == null ? new byte[0] : encrypted);
        } catch (IllegalStateException wiped) {
            // newer parameters replaced these (and wiped their private key) since the token was checked
            throw refused(op, key, superseded(key));
        } catch (BadPaddingException e) {
            throw refused(op, key, new ImportRefused(Reason.INVALID_CIPHERTEXT, ImportUnwrap.FAILED + " (wrapping"
                    + " algorithm " + params.algorithm() + ")"));
        } catch (InvalidKeyException e) {
            throw changes.audited(op, key.id(), null, new KeyStoreException("the wrapping key of key "
                    + key.displayName() + " does not decode", e));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The key's one version holding {@code material}, checked against the key's spec. */
    private KeyVersion versionOf(AuditOperation op, MasterKey key, byte[] material) throws KeyStoreException {
        KeyVersion waiting = key.versions().get(0);
        KeySpec spec = key.keySpec();
        try {
            if (spec.isAsymmetric()) {
                PrivateKey privateKey = KeyPairs.decodePrivate(spec, material);
                if (KeySpecs.of(privateKey) != spec) {
                    throw new InvalidKeyException("not a " + spec + " private key");
                }
                KeyPairMaterial pair = new KeyPairMaterial(spec, material, privateKey, KeyPairs.publicOf(spec, privateKey));
                return new KeyVersion(1, waiting.created(), KeyOrigin.IMPORTED, RotationReason.IMPORTED, pair, waiting.wraps());
            }
            if (spec == KeySpec.SYMMETRIC_DEFAULT && material.length != KeyVersion.AES_MATERIAL_BYTES) {
                throw new InvalidKeyException("a " + spec + " key's material is 32 bytes (AES-256), not " + material.length);
            }
            // AES: 32 bytes; HMAC: the spec's range (KeyVersion.checkHmacLength), as AWS KMS
            return new KeyVersion(1, waiting.created(), KeyOrigin.IMPORTED, RotationReason.IMPORTED, spec, material,
                    waiting.wraps());
        } catch (InvalidKeyException | IllegalArgumentException e) {
            // the message names the spec and a length or a kind, never the material
            throw changes.audited(op, key.id(), null, new InvalidKeyRequestException("the imported key material does"
                    + " not fit key " + key.displayName() + ": " + e.getMessage()));
        }
    }

    /** {@link KeyChanges#apply} with the import refusals mapped to their own exception. */
    private MasterKey apply(AuditOperation op, MasterKey key, UnaryOperator<MasterKey> transition) throws KeyStoreException {
        return registry.atomically(() -> {
            try {
                MasterKey next = registry.change(key, transition);
                audit.record(op, next.id(), next.current().number(), null, null, EncryptionContext.EMPTY);
                return next;
            } catch (ImportRefused e) {
                throw refused(op, key, e);
            } catch (TransitionRefused e) {
                throw changes.audited(op, key.id(), null, new KeyStateException(e.getMessage(), e));
            } catch (TransitionArgumentInvalid e) {
                throw changes.audited(op, key.id(), null, new InvalidKeyRequestException(e.getMessage(), e));
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw changes.audited(op, key.id(), null, new KeyStoreException(e.getMessage(), e));
            } catch (KeyStoreException e) {
                throw changes.audited(op, key.id(), null, e);
            }
        });
    }

    private ImportRefusedException refused(AuditOperation op, MasterKey key, ImportRefused e) {
        return changes.audited(op, key.id(), null, new ImportRefusedException(e.reason(), e.getMessage()));
    }

    private static byte[] uuidBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }
}
