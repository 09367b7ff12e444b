package io.kmsjca.server;

import io.kmsjca.keys.DataKeyCache;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

/**
 * A client application in a JVM of its own (RemoteProviderTest starts it): the provider from its
 * kms.conf ({@code args[0]}), then every JCA service on the server's key {@code orders}. Prints
 * what it saw; the test reads the JVM's class-loading log for what it must never have needed.
 */
public final class RemoteClientMain {

    public static void main(String[] args) throws Exception {
        Provider p = new KmsProvider().configure(args[0]);
        Security.addProvider(p);
        KeyStore ks = KeyStore.getInstance("KMS", p);
        ks.load(null, null);
        System.out.println("aliases=" + Collections.list(ks.aliases()));
        KmsKeyHandle orders = (KmsKeyHandle) ks.getKey("orders", null);

        Cipher wrap = Cipher.getInstance("KMSWrap", p);
        wrap.init(Cipher.WRAP_MODE, orders);
        byte[] blob = wrap.wrap(new SecretKeySpec(new byte[32], "AES"));
        wrap.init(Cipher.UNWRAP_MODE, orders);
        System.out.println("unwrapped=" + Arrays.equals(new byte[32], wrap.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded()));

        KeyGenerator g = KeyGenerator.getInstance("KMSDataKey", p);
        g.init(KmsDataKeySpec.aes256(orders));
        System.out.println("dataKey=" + ((KmsDataKey) g.generateKey()).getEncoded().length);

        DataKeyCache cache = new DataKeyCache(10, 1 << 20, Duration.ofMinutes(1));
        byte[] message = null;
        for (int i = 0; i < 3; i++) {
            Cipher e = Cipher.getInstance("KMSEnvelope", p);
            e.init(Cipher.ENCRYPT_MODE, orders, KmsEnvelopeSpec.withContext(Map.of("n", "1")).withDataKeyCache(cache));
            message = e.doFinal("hello".getBytes(StandardCharsets.UTF_8));
        }
        Cipher d = Cipher.getInstance("KMSEnvelope", p);
        d.init(Cipher.DECRYPT_MODE, orders);
        System.out.println("envelope=" + new String(d.doFinal(message), StandardCharsets.UTF_8));
    }
}
