package io.kmsjca.keys;

/** What a store credential is: a password (Argon2id) or a key file holding a random secret (for services). */
public enum CredentialKind {
    PASSWORD,
    KEY_FILE
}
