package io.kmsjca.cli;

/** The documented exit codes of {@code kms} (docs/cli.md). */
final class ExitCode {
    static final int OK = 0;
    /** The request was refused by a rule: key state, wrong encryption context, altered or malformed ciphertext. */
    static final int REFUSED = 1;
    /**
     * The command line or the request is wrong: unknown command or flag, bad value, no password
     * source, a value the key service rejects whatever the key's state (rotation period out of
     * range, invalid or taken alias, key material of the wrong length).
     */
    static final int USAGE = 2;
    /** The key store does not open: missing, wrong password, damaged. */
    static final int KEY_STORE = 3;
    /** No key or alias has that name. */
    static final int NOT_FOUND = 4;
    /** A file could not be read or written. */
    static final int FILE = 5;
    /** {@code audit verify} found the audit log altered. */
    static final int AUDIT_TAMPERED = 6;
    /** The key store failed to carry out the request: a read or write of the store failed, or it is full. */
    static final int FAILED = 7;
    /** A bug: please report it with the output of {@code --debug}. */
    static final int INTERNAL = 70;

    private ExitCode() {
    }
}
