package io.kmsjca.keys;

import java.security.KeyStoreException;
import java.util.Objects;

/**
 * A management request the key policy, the store policy or the grants do not allow (AWS KMS's
 * {@code AccessDeniedException}). The message says which principal, which action, which key and
 * which statement decided; audit records these as DENIED. Nothing was changed.
 */
public final class KeyAccessDeniedException extends KeyStoreException {
    private static final long serialVersionUID = 1L;

    private final AccessDenial denial;

    public KeyAccessDeniedException(AccessDenial denial) {
        super(denial.describe());
        this.denial = Objects.requireNonNull(denial);
    }

    public AccessDenial denial() {
        return denial;
    }
}
