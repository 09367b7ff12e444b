package io.kmsjca.keys;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Everything about a master key but its material (KMS DescribeKey's KeyMetadata).
 *
 * @param deletionDate when the material will be destroyed, or null unless PendingDeletion
 */
public record KeyMetadata(UUID keyId, List<String> aliases, String description, KeyState state, KeyOrigin origin,
                          KeyManagerType manager, Instant creationDate, Instant deletionDate,
                          int currentVersion, int versionCount) {
    public KeyMetadata {
        aliases = List.copyOf(aliases);
    }
}
