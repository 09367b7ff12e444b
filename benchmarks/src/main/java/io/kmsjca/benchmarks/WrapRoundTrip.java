package io.kmsjca.benchmarks;

import io.kmsjca.keys.KmsKeyHandle;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.Key;

/**
 * What the wrap benchmarks measure: wrap + unwrap of a 32-byte data key under one master key,
 * with one thread's own ciphers, initialised once (JCA ciphers are not thread-safe).
 */
final class WrapRoundTrip {

    private final SecretKey dataKey = new SecretKeySpec(new byte[32], "AES");
    private final Cipher wrapper;
    private final Cipher unwrapper;

    WrapRoundTrip(KmsKeyHandle master) throws GeneralSecurityException {
        wrapper = BenchStores.cipher("KMSWrap", Cipher.WRAP_MODE, master);
        unwrapper = BenchStores.cipher("KMSWrap", Cipher.UNWRAP_MODE, master);
    }

    /** Two requests: a wrap and an unwrap. */
    Key run() throws GeneralSecurityException {
        return unwrapper.unwrap(wrapper.wrap(dataKey), "AES", Cipher.SECRET_KEY);
    }
}
