package io.kmsjca.internal.engine;

import io.kmsjca.keys.KmsKeyHandle;

import java.util.UUID;

/**
 * What every handle on a symmetric master key shares, embedded or a server's: it names a key
 * (id and alias), holds no material ({@code getEncoded()} is null), and cannot be serialized,
 * being bound to its store ({@link NamedHandle}). Subclasses say which store (equality) and
 * where it lives (toString).
 */
public abstract class KeyHandleBase extends NamedHandle implements KmsKeyHandle {
    private static final long serialVersionUID = 1L;

    protected KeyHandleBase(UUID keyId, String alias) {
        super(keyId, alias);
    }

    /** AES: master keys are AES-256 keys. */
    @Override
    public final String getAlgorithm() {
        return "AES";
    }

    /** {@code KmsKeyHandle[alias/NAME ID]} and, after it, {@link #where()}. */
    @Override
    public final String toString() {
        return "KmsKeyHandle[" + name() + where() + "]";
    }
}
