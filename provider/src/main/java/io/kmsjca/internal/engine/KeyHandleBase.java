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

    private final String algorithm;

    protected KeyHandleBase(UUID keyId, String alias) {
        this(keyId, alias, "AES");
    }

    /** A handle on a key of {@code algorithm}: "AES" (SYMMETRIC_DEFAULT) or an HMAC key's JCA name ("HmacSHA256"). */
    protected KeyHandleBase(UUID keyId, String alias, String algorithm) {
        super(keyId, alias);
        this.algorithm = java.util.Objects.requireNonNull(algorithm);
    }

    /** "AES" for a symmetric master key (AES-256), the MAC's JCA name for an HMAC key ("HmacSHA256"). */
    @Override
    public final String getAlgorithm() {
        return algorithm;
    }

    /** The JCA algorithm of a handle on a key of {@code spec}: its MAC's name for an HMAC key, else "AES". */
    public static String algorithmOf(io.kmsjca.keys.KeySpec spec) {
        return spec.family() == io.kmsjca.keys.KeySpec.Family.HMAC
                ? io.kmsjca.keys.MacAlgorithm.forKey(spec, io.kmsjca.keys.KeyUsage.GENERATE_VERIFY_MAC).get(0).jcaName()
                : "AES";
    }

    /** {@code KmsKeyHandle[alias/NAME ID]} and, after it, {@link #where()}. */
    @Override
    public final String toString() {
        return "KmsKeyHandle[" + name() + where() + "]";
    }
}
