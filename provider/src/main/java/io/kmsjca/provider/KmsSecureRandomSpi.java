package io.kmsjca.provider;

import io.kmsjca.internal.crypto.KmsRandom;

import java.security.SecureRandomSpi;

/**
 * {@code SecureRandom "KMS"}: the provider's own generator ({@link KmsRandom}), the one every
 * key, salt and nonce of kms-jca comes from (and, once a hardware root exists, the HSM's).
 * Thread-safe (the {@code ThreadSafe} attribute), never blocking. Bytes drawn here are not
 * audited: that is {@code KeyService.generateRandom} (KMS GenerateRandom), which a policy governs.
 */
final class KmsSecureRandomSpi extends SecureRandomSpi {
    private static final long serialVersionUID = 1L;

    KmsSecureRandomSpi() {
    }

    /**
     * A caller's seed is not mixed into the provider's generator: it is shared by every key and
     * nonce of the provider, whose seeding is the provider's alone (docs/decisions.md). The
     * generator seeds itself, so an unseeded {@code SecureRandom "KMS"} is ready at once.
     */
    @Override
    protected void engineSetSeed(byte[] seed) {
        // deliberately ignored, see above
    }

    @Override
    protected void engineNextBytes(byte[] bytes) {
        KmsRandom.nextBytes(bytes);
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
        if (numBytes < 0) {
            throw new IllegalArgumentException("numBytes must not be negative");
        }
        byte[] seed = new byte[numBytes];
        KmsRandom.nextBytes(seed);
        return seed;
    }
}
