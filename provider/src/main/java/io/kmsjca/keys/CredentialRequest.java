package io.kmsjca.keys;

import java.util.Objects;

/**
 * A credential to add to a store ({@link KeyService#createCredential}): a password, or a key file
 * the provider generates and returns once.
 * <pre>{@code
 * keys.createCredential(CredentialRequest.withPassword("alice", password).administrator(true));
 * CreatedCredential app = keys.createCredential(CredentialRequest.withKeyFile("orders-service"));
 * app.writeKeyFile(Path.of("/etc/kms/orders.key"));   // owner-only, refused if the file exists
 * }</pre>
 *
 * @param principal     the principal the credential names: 1 to 256 bytes of UTF-8, no control
 *                      characters or surrounding white space
 * @param password      the password of a password credential (the caller wipes it), or null for a key file
 * @param administrator may do every store operation and manage credentials
 * @param actsForOthers may name the principal of a request through a JAAS Subject or {@code runAs}
 */
public record CredentialRequest(String principal, char[] password, boolean administrator, boolean actsForOthers) {

    public CredentialRequest {
        Objects.requireNonNull(principal, "principal");
    }

    /** A password credential naming {@code principal}; neither administrator nor acting for others. */
    public static CredentialRequest withPassword(String principal, char[] password) {
        return new CredentialRequest(principal, Objects.requireNonNull(password, "password"), false, false);
    }

    /** A key-file credential naming {@code principal}; neither administrator nor acting for others. */
    public static CredentialRequest withKeyFile(String principal) {
        return new CredentialRequest(principal, null, false, false);
    }

    public CredentialRequest administrator(boolean value) {
        return new CredentialRequest(principal, password, value, actsForOthers);
    }

    public CredentialRequest actsForOthers(boolean value) {
        return new CredentialRequest(principal, password, administrator, value);
    }

    public CredentialKind kind() {
        return password != null ? CredentialKind.PASSWORD : CredentialKind.KEY_FILE;
    }

    @Override
    public String toString() {
        return "CredentialRequest[principal=" + principal + ", kind=" + kind() + ", administrator=" + administrator
                + ", actsForOthers=" + actsForOthers + "]";
    }
}
