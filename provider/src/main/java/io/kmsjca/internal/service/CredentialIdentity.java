package io.kmsjca.internal.service;

import io.kmsjca.internal.audit.Principals;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialKind;

/**
 * The credential an open store was unlocked with, which names the principal of every request
 * made through it (docs/authorization.md, "Credentials"): a credential that acts for others
 * takes the principal from the caller ({@link Principals#current()}: a JAAS Subject, else
 * {@code runAs}, else the OS user), any other is its own principal whatever the caller asserts.
 *
 * <p>Inside an {@code AccessKeySigner.actAs} scope the requests of one thread are made with an
 * access key's identity instead ({@link #ofAccessKey}): its principal whatever the caller asserts,
 * an administrator's or not as the access key says, and its own principal source.
 *
 * @param principal     the principal the credential's slot names
 * @param kind          password or key file; null for an access key
 * @param administrator the slot's ADMINISTRATOR flag
 * @param actsForOthers the slot's ACTS_FOR_OTHERS flag
 * @param source        where the principal of a request made with it comes from, as audit events say
 *                      ({@link #SOURCE}, or the access key's)
 */
public record CredentialIdentity(String principal, CredentialKind kind, boolean administrator, boolean actsForOthers,
                                 String source) {

    /** Where a request's principal came from when the credential named it. */
    public static final String SOURCE = "credential";

    /** A credential of the store's header: its requests' principal source is {@link #SOURCE}. */
    public CredentialIdentity(String principal, CredentialKind kind, boolean administrator, boolean actsForOthers) {
        this(principal, kind, administrator, actsForOthers, SOURCE);
    }

    /**
     * The identity of the requests made with an access key: its principal, never another's (so it
     * does not act for others), audited with {@code source}.
     */
    static CredentialIdentity ofAccessKey(String principal, boolean administrator, String source) {
        return new CredentialIdentity(principal, null, administrator, false, source);
    }

    /** The store password of a version-1 store, or of a store that has none yet (in memory). */
    public static final CredentialIdentity V1_ADMINISTRATOR =
            new CredentialIdentity(KeySlot.V1_PRINCIPAL, CredentialKind.PASSWORD, true, true);

    static CredentialIdentity of(KeySlot slot) {
        return new CredentialIdentity(slot.principal(), slot.kind().isPassword() ? CredentialKind.PASSWORD
                : CredentialKind.KEY_FILE, slot.administrator(), slot.actsForOthers());
    }

    static CredentialInfo info(KeySlot slot) {
        CredentialIdentity c = of(slot);
        return new CredentialInfo(c.principal, c.kind, c.administrator, c.actsForOthers, slot.holdsKeyPair());
    }

    /** The principal of the request on this thread, and where it came from. */
    public Principals.Resolved resolve() {
        return actsForOthers ? Principals.current() : new Principals.Resolved(principal, source);
    }

    /**
     * Whether this credential is the store's root: an administrator that does not act for
     * others, whose requests are always its own. Its store operations are allowed whatever the
     * store policy. An administrator that acts for others (a version-1 store's password) is
     * decided by the policies as the principal its caller names, as before credentials existed.
     */
    boolean administersStore() {
        return administrator && !actsForOthers;
    }

    /**
     * Whether the request on this thread may manage credentials: made with an administrator
     * credential as itself, so not naming another principal (no Subject, no {@code runAs}) when
     * the credential acts for others. No policy decides this.
     */
    boolean managesCredentials() {
        return administrator && (!actsForOthers || "os-user".equals(Principals.current().source()));
    }
}
