package io.kmsjca.internal.crypto;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Review finding (pre-existing, not in 57b255a..HEAD): {@link ImportUnwrap} keeps one static
 * {@link AsymmetricPrimitives}, whose cached OAEP Cipher is not thread-safe, and
 * KeyImports.importMaterial calls it outside any lock. Two imports at once, each with its own
 * wrapping key and material, must each get their own material back, every time.
 */
class ImportUnwrapConcurrencyTest {

    @Test
    void concurrentUnwraps_withTwoWrappingKeys_eachGetTheirOwnMaterial() throws Exception {
        int threads = 2;
        int rounds = 1000;
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        List<KeyPair> pairs = new ArrayList<>();
        List<byte[]> wrapped = new ArrayList<>();
        List<byte[]> material = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            KeyPair pair = g.generateKeyPair();
            byte[] m = new byte[32];
            Arrays.fill(m, (byte) (t + 1));
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.ENCRYPT_MODE, pair.getPublic(), new OAEPParameterSpec("SHA-256", "MGF1",
                    MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
            pairs.add(pair);
            material.add(m);
            wrapped.add(c.doFinal(m));
        }
        AtomicInteger wrong = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> example = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < rounds; i++) {
                    try {
                        byte[] out = ImportUnwrap.unwrap(pairs.get(me).getPrivate(), KeySpec.RSA_2048,
                                WrappingAlgorithm.RSAES_OAEP_SHA_256, wrapped.get(me).clone());
                        if (!Arrays.equals(out, material.get(me))) {
                            wrong.incrementAndGet();
                            example.compareAndSet(null, "thread " + me + " got " + out[0]);
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        example.compareAndSet(null, e.toString());
                    }
                }
            });
            all.add(th);
            th.start();
        }
        start.countDown();
        for (Thread th : all) {
            th.join();
        }
        assertEquals(0, wrong.get() + failed.get(), "of " + threads * rounds + " unwraps, " + failed.get()
                + " failed and " + wrong.get() + " returned another import's material; e.g. " + example.get());
    }
}
