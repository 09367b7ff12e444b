package io.kmsjca.internal.policy;

/**
 * A policy document that is not valid JSON, breaks the key-policy grammar, or uses an element,
 * operator, condition key or action this provider does not support (AWS's
 * {@code MalformedPolicyDocumentException}). The message names what was refused and where; it
 * never repeats the whole document.
 */
public final class MalformedPolicyException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedPolicyException(String message) {
        super(message);
    }
}
