package io.kmsjca.internal.model;

/**
 * Thrown by a {@link MasterKey} transition that the key's state or manager does not allow; the
 * key service reports it as a {@link KeyStateException}. Unchecked, so that transitions stay
 * plain functions.
 */
public final class TransitionRefused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    TransitionRefused(String message) {
        super(message);
    }
}
