package io.kmsjca.keys;

import java.util.List;

/** AWS KMS's MacAlgorithmSpec: the HMAC an HMAC key computes. */
public enum MacAlgorithm {
    HMAC_SHA_224("HmacSHA224", KeySpec.HMAC_224),
    HMAC_SHA_256("HmacSHA256", KeySpec.HMAC_256),
    HMAC_SHA_384("HmacSHA384", KeySpec.HMAC_384),
    HMAC_SHA_512("HmacSHA512", KeySpec.HMAC_512);

    private final String jcaName;
    private final KeySpec spec;

    MacAlgorithm(String jcaName, KeySpec spec) {
        this.jcaName = jcaName;
        this.spec = spec;
    }

    /** The JCA name of the MAC ({@code HmacSHA256}). */
    public String jcaName() {
        return jcaName;
    }

    /** The algorithms AWS KMS lists for a key: an HMAC key's one algorithm, else none. */
    public static List<MacAlgorithm> forKey(KeySpec spec, KeyUsage usage) {
        if (usage != KeyUsage.GENERATE_VERIFY_MAC) {
            return List.of();
        }
        for (MacAlgorithm a : values()) {
            if (a.spec == spec) {
                return List.of(a);
            }
        }
        return List.of();
    }
}
