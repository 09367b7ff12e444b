package io.kmsjca.internal.model;

/**
 * Thrown by a {@link MasterKey} transition (or a check beside one) whose argument is wrong in
 * any state: a rotation period out of range, a version the key does not have, too many tags. The
 * key service reports it as an {@link InvalidKeyRequestException}.
 */
public final class TransitionArgumentInvalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    TransitionArgumentInvalid(String message) {
        super(message);
    }
}
