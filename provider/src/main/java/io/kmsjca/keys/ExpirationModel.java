package io.kmsjca.keys;

/** AWS KMS's ExpirationModelType for imported key material. */
public enum ExpirationModel {
    /** The material is deleted at its ValidTo date and the key returns to PendingImport. */
    KEY_MATERIAL_EXPIRES,
    /** The material stays until deleted. */
    KEY_MATERIAL_DOES_NOT_EXPIRE
}
