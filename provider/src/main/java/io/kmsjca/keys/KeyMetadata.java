package io.kmsjca.keys;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Everything about a master key but its material (KMS DescribeKey's KeyMetadata).
 *
 * @param deletionDate         when the material is (or was) destroyed; null unless
 *                             PendingDeletion or Destroyed
 * @param rotationPeriodDays   days between automatic rotations, 0 when off
 * @param nextRotationDate     when automatic rotation next falls due, or null when off
 * @param minDecryptionVersion blobs of older versions no longer decrypt
 * @param expirationModel      a key of origin EXTERNAL with material: how it expires; else null
 * @param validTo              when the imported material expires (KEY_MATERIAL_EXPIRES), else null
 */
public record KeyMetadata(UUID keyId, List<String> aliases, String description, KeyState state, KeyOrigin origin,
                          KeyManagerType manager, KeySpec keySpec, KeyUsage keyUsage, Instant creationDate,
                          Instant deletionDate, int currentVersion, int versionCount, int rotationPeriodDays,
                          Instant nextRotationDate, int minDecryptionVersion, Map<String, String> tags,
                          ExpirationModel expirationModel, Instant validTo) {
    public KeyMetadata {
        aliases = List.copyOf(aliases);
        tags = Map.copyOf(tags);
    }

    /** A key without imported material's expiration (every key but one of origin EXTERNAL). */
    public KeyMetadata(UUID keyId, List<String> aliases, String description, KeyState state, KeyOrigin origin,
                       KeyManagerType manager, KeySpec keySpec, KeyUsage keyUsage, Instant creationDate,
                       Instant deletionDate, int currentVersion, int versionCount, int rotationPeriodDays,
                       Instant nextRotationDate, int minDecryptionVersion, Map<String, String> tags) {
        this(keyId, aliases, description, state, origin, manager, keySpec, keyUsage, creationDate, deletionDate,
                currentVersion, versionCount, rotationPeriodDays, nextRotationDate, minDecryptionVersion, tags, null, null);
    }

    /**
     * What a CreateKey {@code request} made, as the request said it, for a caller the key's new
     * policy does not let describe it (KMS CreateKey answers its metadata all the same): Enabled,
     * or PendingImport for origin IMPORTED, customer managed, one version, created {@code created}.
     *
     * @param alias the alias the key was created under (as the handle names it), or null
     */
    public static KeyMetadata asRequested(UUID keyId, String alias, CreateKeyRequest request, Instant created) {
        boolean imported = request.origin() == KeyOrigin.IMPORTED;
        return new KeyMetadata(keyId, alias == null ? List.of() : List.of(alias), request.description(),
                imported ? KeyState.PENDING_IMPORT : KeyState.ENABLED, request.origin(), KeyManagerType.CUSTOMER,
                request.keySpec(), request.keyUsage(), created, null, 1, 1, request.rotationPeriodDays(), null, 1,
                request.tags());
    }

    /** The signing algorithms the key may use (AWS's SigningAlgorithms), empty unless SIGN_VERIFY. */
    public List<SigningAlgorithm> signingAlgorithms() {
        return SigningAlgorithm.forKey(keySpec, keyUsage);
    }

    /** The encryption algorithms the key may use (AWS's EncryptionAlgorithms). */
    public List<EncryptionAlgorithm> encryptionAlgorithms() {
        return EncryptionAlgorithm.forKey(keySpec, keyUsage);
    }

    /** The MAC algorithm of an HMAC key (AWS's MacAlgorithms), empty for any other key. */
    public List<MacAlgorithm> macAlgorithms() {
        return MacAlgorithm.forKey(keySpec, keyUsage);
    }

    /** The key agreement algorithms the key may use (AWS's KeyAgreementAlgorithms). */
    public List<KeyAgreementAlgorithm> keyAgreementAlgorithms() {
        return KeyAgreementAlgorithm.forKey(keySpec, keyUsage);
    }
}
