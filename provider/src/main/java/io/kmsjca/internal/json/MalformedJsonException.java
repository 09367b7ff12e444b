package io.kmsjca.internal.json;

/** A document {@link StrictJson} refuses; the message says where and why, never echoing a value. */
public final class MalformedJsonException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedJsonException(String message) {
        super(message);
    }
}
