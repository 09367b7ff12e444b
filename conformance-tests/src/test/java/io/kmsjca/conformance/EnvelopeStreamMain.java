package io.kmsjca.conformance;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEnvelopeSpec;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * Run in a child JVM with a small heap: N bytes of generated plaintext go through an encrypting
 * CipherInputStream into a decrypting one, in constant memory; prints the SHA-256 of the
 * plaintext generated and of the plaintext recovered, the bytes of ciphertext, and the peak heap.
 */
public final class EnvelopeStreamMain {

    /** Deterministic, fast plaintext: a counter pattern, never all zeros. */
    static final class Generator extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long produced;

        Generator(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (produced >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - produced);
            for (int i = 0; i < n; i++) {
                long p = produced + i;
                b[off + i] = (byte) (p ^ (p >>> 13) ^ (p >>> 27));
            }
            digest.update(b, off, n);
            produced += n;
            return n;
        }
    }

    /** Counts and passes through the ciphertext. */
    static final class Counting extends InputStream {
        private final InputStream in;
        long count;

        Counting(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws java.io.IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[0]);
        KmsKeyHandle key = KeyStores.newInMemory(KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO)).createKey("big", "");
        KmsProvider provider = new KmsProvider();
        Cipher enc = Cipher.getInstance("KMSEnvelope", provider);
        enc.init(Cipher.ENCRYPT_MODE, key, KmsEnvelopeSpec.withContext(Map.of("size", args[0])));
        Cipher dec = Cipher.getInstance("KMSEnvelope", provider);
        dec.init(Cipher.DECRYPT_MODE, key, KmsEnvelopeSpec.withContext(Map.of("size", args[0])));

        MessageDigest generated = MessageDigest.getInstance("SHA-256");
        MessageDigest recovered = MessageDigest.getInstance("SHA-256");
        Counting ciphertext = new Counting(new CipherInputStream(new Generator(size, generated), enc));
        long plain = 0;
        try (InputStream in = new CipherInputStream(ciphertext, dec)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                recovered.update(buf, 0, n);
                plain += n;
            }
        }
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.println("plaintext=" + plain);
        System.out.println("ciphertext=" + ciphertext.count);
        System.out.println("generated=" + HexFormat.of().formatHex(generated.digest()));
        System.out.println("recovered=" + HexFormat.of().formatHex(recovered.digest()));
        System.out.println("peakHeapBytes=" + peak);
    }
}
