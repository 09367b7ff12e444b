package io.kmsjca.provider;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.keys.KmsKeyHandle;

import java.security.spec.AlgorithmParameterSpec;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code KeyGenerator "KMSDataKey"} generates: an AES data key of 128 or 256 bits wrapped
 * under a master key, with an encryption context, returned with its plaintext (KMS
 * GenerateDataKey) or without it (GenerateDataKeyWithoutPlaintext).
 *
 * <pre>{@code
 * KeyGenerator g = KeyGenerator.getInstance("KMSDataKey");
 * g.init(KmsDataKeySpec.aes256(masterKey).withContext(Map.of("file", "report.pdf")));
 * KmsDataKey dataKey = (KmsDataKey) g.generateKey();
 * }</pre>
 */
public final class KmsDataKeySpec implements AlgorithmParameterSpec {

    private final KmsKeyHandle masterKey;
    private final int keySizeBits;
    private final KmsEncryptionContextSpec context;
    private final boolean withPlaintext;

    private KmsDataKeySpec(KmsKeyHandle masterKey, int keySizeBits, KmsEncryptionContextSpec context, boolean withPlaintext) {
        this.masterKey = Objects.requireNonNull(masterKey, "masterKey");
        if (keySizeBits != 128 && keySizeBits != 256) {
            throw new IllegalArgumentException("data keys are AES-128 or AES-256, not " + keySizeBits + " bits");
        }
        this.keySizeBits = keySizeBits;
        this.context = context;
        this.withPlaintext = withPlaintext;
    }

    /** An AES data key of {@code keySizeBits} (128 or 256) under {@code masterKey}. */
    public static KmsDataKeySpec of(KmsKeyHandle masterKey, int keySizeBits) {
        return new KmsDataKeySpec(masterKey, keySizeBits, new KmsEncryptionContextSpec(Map.of()), true);
    }

    /** An AES-256 data key under {@code masterKey} (KMS key spec AES_256). */
    public static KmsDataKeySpec aes256(KmsKeyHandle masterKey) {
        return of(masterKey, 256);
    }

    /** The same, bound to an encryption context. */
    public KmsDataKeySpec withContext(Map<String, String> pairs) {
        return new KmsDataKeySpec(masterKey, keySizeBits, new KmsEncryptionContextSpec(pairs), withPlaintext);
    }

    /** The same, but the generated key carries only its wrapped form (GenerateDataKeyWithoutPlaintext). */
    public KmsDataKeySpec withoutPlaintext() {
        return new KmsDataKeySpec(masterKey, keySizeBits, context, false);
    }

    public KmsKeyHandle masterKey() {
        return masterKey;
    }

    public int keySizeBits() {
        return keySizeBits;
    }

    public Map<String, String> context() {
        return context.context();
    }

    public boolean withPlaintext() {
        return withPlaintext;
    }

    EncryptionContext encodedContext() {
        return context.encoded();
    }
}
