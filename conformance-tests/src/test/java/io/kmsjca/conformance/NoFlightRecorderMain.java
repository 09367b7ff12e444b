package io.kmsjca.conformance;

import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Arrays;
import java.util.Map;

/**
 * What a child JVM without the {@code jdk.jfr} module runs ({@link FlightRecorderEventsTest}):
 * kms-jca on the class path wraps, unwraps and runs an envelope, so the JFR events cost it
 * nothing when the runtime image has no Flight Recorder; with one but no recording, the provider
 * leaves JFR asleep.
 */
public final class NoFlightRecorderMain {

    public static void main(String[] args) throws Exception {
        boolean jfr = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
        Provider kms = new KmsProvider();
        KeyStore ks = KeyStore.getInstance("KMS", kms);
        ks.load(null, null);
        ks.setKeyEntry("child", new SecretKeySpec(new byte[32], "AES"), null, null);
        Key master = ks.getKey("child", null);
        byte[] dataKey = new byte[32];
        Arrays.fill(dataKey, (byte) 7);
        Cipher wrap = Cipher.getInstance("KMSWrap", kms);
        wrap.init(Cipher.WRAP_MODE, master);
        byte[] blob = wrap.wrap(new SecretKeySpec(dataKey, "AES"));
        wrap.init(Cipher.UNWRAP_MODE, master);
        boolean wrapped = Arrays.equals(dataKey, wrap.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded());
        Cipher envelope = Cipher.getInstance("KMSEnvelope", kms);
        envelope.init(Cipher.ENCRYPT_MODE, master, KmsEnvelopeSpec.withContext(Map.of("k", "v")));
        byte[] message = envelope.doFinal(dataKey);
        envelope.init(Cipher.DECRYPT_MODE, master, KmsEnvelopeSpec.withContext(Map.of("k", "v")));
        boolean enveloped = Arrays.equals(dataKey, envelope.doFinal(message));
        // with the module but no recording, the provider must not have started JFR itself
        String woken = jfr ? " jfr-initialized=" + Class.forName("jdk.jfr.FlightRecorder").getMethod("isInitialized").invoke(null) : "";
        System.out.println("jfr=" + jfr + " wrap=" + wrapped + " envelope=" + enveloped + woken);
    }
}
