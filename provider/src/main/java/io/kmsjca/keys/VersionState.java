package io.kmsjca.keys;

/** What a key version may still do. */
public enum VersionState {
    /** Unwraps its blobs; wraps too if it is the current version. */
    ACTIVE,
    /** Revoked as compromised: its material was wiped at once, its blobs fail with a message saying so. */
    REVOKED,
    /** Destroyed with its key at the end of the deletion waiting period. */
    DESTROYED,
    /**
     * The version of a key of origin EXTERNAL without material: never imported yet, or its
     * imported material expired or was deleted. A re-import of the same material makes it ACTIVE.
     */
    PENDING_IMPORT
}
