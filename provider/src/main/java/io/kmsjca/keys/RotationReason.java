package io.kmsjca.keys;

/** Why a key version exists. */
public enum RotationReason {
    /** The key's first version, generated when the key was created. */
    CREATED,
    /** Caller-supplied material (a new key, or a new version of one). */
    IMPORTED,
    /** Automatic rotation: the rotation period had passed. */
    SCHEDULED,
    /** Rotation asked for by a caller (KMS RotateKeyOnDemand). */
    ON_DEMAND,
    /** The previous version approached the usage limit of its construction. */
    USAGE,
    /** The previous version was revoked while it was current. */
    REVOCATION
}
