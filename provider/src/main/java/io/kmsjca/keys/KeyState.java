package io.kmsjca.keys;

/** The lifecycle state of a master key, with the names AWS KMS uses. */
public enum KeyState {
    /** Every operation is allowed. */
    ENABLED("Enabled"),
    /** No wrap, unwrap or data key; describe still works; enabling restores everything. */
    DISABLED("Disabled"),
    /** Like Disabled, and the material is destroyed when the waiting period ends. */
    PENDING_DELETION("PendingDeletion"),
    /**
     * The waiting period ended and every version's material was wiped. kms-jca keeps the
     * record as a tombstone so that unwrapping an old blob says what happened, where AWS KMS
     * forgets the key.
     */
    DESTROYED("Destroyed"),
    /**
     * A key of origin EXTERNAL waiting for its material (KMS PendingImport): created without any,
     * or its imported material expired or was deleted. Import makes it Enabled.
     */
    PENDING_IMPORT("PendingImport");

    private final String displayName;

    KeyState(String displayName) {
        this.displayName = displayName;
    }

    /** The KMS name: Enabled, Disabled, PendingDeletion. */
    public String displayName() {
        return displayName;
    }
}
