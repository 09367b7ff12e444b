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
 */
public record KeyMetadata(UUID keyId, List<String> aliases, String description, KeyState state, KeyOrigin origin,
                          KeyManagerType manager, KeySpec keySpec, KeyUsage keyUsage, Instant creationDate,
                          Instant deletionDate, int currentVersion, int versionCount, int rotationPeriodDays,
                          Instant nextRotationDate, int minDecryptionVersion, Map<String, String> tags) {
    public KeyMetadata {
        aliases = List.copyOf(aliases);
        tags = Map.copyOf(tags);
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
