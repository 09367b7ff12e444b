package io.kmsjca.provider;

import io.kmsjca.internal.format.EncryptionContext;

import java.security.spec.AlgorithmParameterSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An encryption context for {@code Cipher "KMSWrap"}: non-secret key/value pairs that are
 * authenticated with the blob but not stored in it, so unwrapping needs the same pairs (order
 * does not matter). Values never appear in audit records or messages; keys do.
 *
 * <pre>{@code
 * cipher.init(Cipher.WRAP_MODE, masterKey, new KmsEncryptionContextSpec(Map.of("tenant", "acme")));
 * }</pre>
 */
public final class KmsEncryptionContextSpec implements AlgorithmParameterSpec {

    private final Map<String, String> pairs;
    private final EncryptionContext context;

    /**
     * @throws IllegalArgumentException an empty key or null value, a key or value that is not
     *                                  valid Unicode (an unpaired surrogate), more than 64 pairs,
     *                                  or more than 8 KiB encoded
     */
    public KmsEncryptionContextSpec(Map<String, String> pairs) {
        this.context = EncryptionContext.of(pairs);
        this.pairs = Collections.unmodifiableMap(new LinkedHashMap<>(pairs));
    }

    public Map<String, String> context() {
        return pairs;
    }

    EncryptionContext encoded() {
        return context;
    }

    @Override
    public String toString() {
        return "KmsEncryptionContextSpec" + context.keys();
    }
}
