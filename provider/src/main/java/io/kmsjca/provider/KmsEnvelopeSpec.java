package io.kmsjca.provider;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.keys.DataKeyCache;

import java.security.spec.AlgorithmParameterSpec;
import java.util.Map;

/**
 * Parameters of {@code Cipher "KMSEnvelope"}: the encryption context (stored in the message,
 * authenticated, and required again on decryption when given), optionally a
 * {@link DataKeyCache} to reuse data keys across messages (encryption only), and optionally a
 * sender signature ({@link #signed()}). A plain {@link KmsEncryptionContextSpec} works too.
 */
public final class KmsEnvelopeSpec implements AlgorithmParameterSpec {

    private final EncryptionContext context;
    private final DataKeyCache cache;
    private final boolean signed;

    private KmsEnvelopeSpec(EncryptionContext context, DataKeyCache cache, boolean signed) {
        this.context = context;
        this.cache = cache;
        this.signed = signed;
    }

    /** An encryption context; on decryption, the message must carry exactly this one. */
    public static KmsEnvelopeSpec withContext(Map<String, String> context) {
        return new KmsEnvelopeSpec(EncryptionContext.of(context), null, false);
    }

    /** The same, reusing data keys through {@code cache} (off by default; not with {@link #signed()}). */
    public KmsEnvelopeSpec withDataKeyCache(DataKeyCache dataKeyCache) {
        return new KmsEnvelopeSpec(context, dataKeyCache, signed);
    }

    /**
     * The same, signed. Encrypting, the message gets a P-384 key pair of its own, the public key
     * bound into every wrapped data key, and ends with an ECDSA signature over all of it: a
     * recipient can read it but cannot write a message the other recipients accept. Decrypting,
     * an unsigned message is refused ({@code AEADBadTagException}); without {@code signed()} a
     * signed message is still verified. Cannot be combined with a data-key cache.
     */
    public KmsEnvelopeSpec signed() {
        return new KmsEnvelopeSpec(context, cache, true);
    }

    EncryptionContext context() {
        return context;
    }

    DataKeyCache cache() {
        return cache;
    }

    public boolean signs() {
        return signed;
    }
}
