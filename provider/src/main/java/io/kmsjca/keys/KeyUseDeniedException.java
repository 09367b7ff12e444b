package io.kmsjca.keys;

import java.security.InvalidKeyException;
import java.util.Objects;

/**
 * A cryptographic use of a key ({@code Cipher.init}, wrap, unwrap, a data key, an envelope) the
 * key policy, the store policy or the grants do not allow: AWS KMS's
 * {@code AccessDeniedException}, as the {@code InvalidKeyException} the JCA expects there. The
 * message says which principal, which action, which key and which statement decided; audit
 * records these as DENIED.
 */
public final class KeyUseDeniedException extends InvalidKeyException {
    private static final long serialVersionUID = 1L;

    private final AccessDenial denial;

    public KeyUseDeniedException(AccessDenial denial) {
        super(denial.describe());
        this.denial = Objects.requireNonNull(denial);
    }

    public AccessDenial denial() {
        return denial;
    }
}
