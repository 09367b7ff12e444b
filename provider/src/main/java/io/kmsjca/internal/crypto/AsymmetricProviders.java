package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Provider;
import java.security.Security;

/**
 * Which provider object each asymmetric key spec's primitives come from, taken once: RSA from
 * the JDK's SunRsaSign (OAEP and raw PKCS#1 from SunJCE), the NIST curves and Ed25519 from SunEC
 * when this JDK has it, and Bouncy Castle for what JDK 17 lacks (secp256k1, ML-DSA, RSA-PSS over a
 * digest). Bouncy Castle is a private instance: never installed with {@code Security.addProvider},
 * so an application's provider list is left as it was (docs/decisions.md, "Providers of the
 * asymmetric key specs").
 */
final class AsymmetricProviders {

    /** kms-jca's own Bouncy Castle instance, not registered in {@link Security}. */
    static final Provider BC = new BouncyCastleProvider();
    private static final Provider SUN_RSA_SIGN = orBc(Security.getProvider("SunRsaSign"));
    private static final Provider SUN_JCE = orBc(Security.getProvider("SunJCE"));
    private static final Provider SUN_EC = orBc(Primitives.ec());
    private static final Provider SUN = Security.getProvider("SUN");

    private AsymmetricProviders() {
    }

    private static Provider orBc(Provider jdk) {
        return jdk != null ? jdk : BC;
    }

    /** The provider of {@code spec}'s KeyPairGenerator, KeyFactory and Signature. */
    static Provider of(KeySpec spec) {
        return switch (spec.family()) {
            case RSA -> SUN_RSA_SIGN;
            case EC -> spec == KeySpec.ECC_SECG_P256K1 ? BC : SUN_EC;
            case EDDSA -> SUN_EC;
            case ML_DSA -> BC;
            case AES, HMAC -> throw new IllegalArgumentException(spec + " is not an asymmetric key spec");
        };
    }

    /** SunJCE (RSA-OAEP, NONEwithRSA), or Bouncy Castle on a JDK without it. */
    static Provider sunJce() {
        return SUN_JCE;
    }

    /** The JDK's SUN provider (message digests), or null: then the first that has the digest. */
    static Provider sun() {
        return SUN;
    }
}
