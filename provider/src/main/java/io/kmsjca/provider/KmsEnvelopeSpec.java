package io.kmsjca.provider;

import io.kmsjca.format.EncryptionContext;
import io.kmsjca.keys.DataKeyCache;

import java.security.spec.AlgorithmParameterSpec;
import java.util.Map;

/**
 * Parameters of {@code Cipher "KMSEnvelope"}: the encryption context (stored in the message,
 * authenticated, and required again on decryption when given), and optionally a
 * {@link DataKeyCache} to reuse data keys across messages (encryption only).
 * A plain {@link KmsEncryptionContextSpec} works too.
 */
public final class KmsEnvelopeSpec implements AlgorithmParameterSpec {

    private final EncryptionContext context;
    private final DataKeyCache cache;

    private KmsEnvelopeSpec(EncryptionContext context, DataKeyCache cache) {
        this.context = context;
        this.cache = cache;
    }

    /** An encryption context; on decryption, the message must carry exactly this one. */
    public static KmsEnvelopeSpec withContext(Map<String, String> context) {
        return new KmsEnvelopeSpec(EncryptionContext.of(context), null);
    }

    /** The same, reusing data keys through {@code cache} (off by default). */
    public KmsEnvelopeSpec withDataKeyCache(DataKeyCache dataKeyCache) {
        return new KmsEnvelopeSpec(context, dataKeyCache);
    }

    EncryptionContext context() {
        return context;
    }

    DataKeyCache cache() {
        return cache;
    }
}
