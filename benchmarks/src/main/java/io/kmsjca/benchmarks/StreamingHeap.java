package io.kmsjca.benchmarks;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CommitmentPolicy;
import com.amazonaws.encryptionsdk.CryptoAlgorithm;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.provider.KmsEnvelopeSpec;
import software.amazon.cryptography.materialproviders.IKeyring;
import software.amazon.cryptography.materialproviders.MaterialProviders;
import software.amazon.cryptography.materialproviders.model.AesWrappingAlg;
import software.amazon.cryptography.materialproviders.model.CreateRawAesKeyringInput;
import software.amazon.cryptography.materialproviders.model.MaterialProvidersConfig;

import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heap each streaming system needs to decrypt a 64 MiB message: the smallest {@code -Xmx}
 * (Serial GC, to 128 KiB) at which a fresh JVM decrypts it from a file through the system's
 * streaming API, reading 64 KiB at a time, and gets every byte back. The {@code floor} system
 * copies the file without decrypting: what the JVM and a 64 KiB buffer need alone. Also the
 * bytes the decrypting thread allocates (garbage included), from {@code ThreadMXBean}.
 * <p>
 * Usage: {@code StreamingHeap OUTPUT.json} (prepares the messages, then searches; KiB per
 * system); the child
 * runs {@code StreamingHeap --decrypt SYSTEM FOLDER}.
 */
public final class StreamingHeap {

    static final long MESSAGE = 64L << 20;
    static final List<String> SYSTEMS = List.of("floor", "kmsEnvelope", "tinkStreaming", "esdkCommitting");
    private static final Map<String, String> CONTEXT = Map.of("purpose", "benchmark");
    private static final byte[] AAD = "purpose=benchmark".getBytes(StandardCharsets.UTF_8);
    private static final char[] PASSWORD = "streaming-heap".toCharArray();
    private static final int MAX_HEAP_KIB = 64 << 10;
    private static final int STEP_KIB = 128;

    private StreamingHeap() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--decrypt")) {
            var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            long n = decrypt(args[1], Path.of(args[2]));
            System.out.println(threads.getCurrentThreadAllocatedBytes() - before);
            System.exit(n == MESSAGE ? 0 : 3);
        }
        Path folder = Files.createTempDirectory("kms-streaming-heap");
        try {
            prepare(folder);
            StringBuilder json = new StringBuilder("{");
            for (String system : SYSTEMS) {
                int heap = smallestHeap(system, folder);
                long allocated = allocated(system, folder);
                System.out.printf("%s: decrypts 64 MiB streaming with -Xmx%dk, allocating %d bytes%n", system, heap, allocated);
                json.append(json.length() > 1 ? ",\n  " : "\n  ").append(String.format(
                        "\"%s\": {\"smallestHeapKiB\": %d, \"allocatedBytes\": %d}", system, heap, allocated));
            }
            Files.writeString(Path.of(args[0]), json.append("\n}\n"));
        } finally {
            try (var files = Files.walk(folder)) {
                for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Binary search for the smallest -Xmx in KiB at which the child decrypts the whole message. */
    static int smallestHeap(String system, Path folder) throws IOException, InterruptedException {
        int fails = 1024;
        int works = MAX_HEAP_KIB;
        if (!decryptsWith(system, folder, works)) {
            throw new IllegalStateException(system + " does not decrypt 64 MiB even with -Xmx" + works + "k");
        }
        while (works - fails > STEP_KIB) {
            int mid = (fails + works) >>> 1;
            if (decryptsWith(system, folder, mid)) {
                works = mid;
            } else {
                fails = mid;
            }
        }
        return works;
    }

    private static boolean decryptsWith(String system, Path folder, int heapKiB) throws IOException, InterruptedException {
        Process p = child(system, folder, heapKiB).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor() == 0;
    }

    /** Bytes the decrypting thread allocates (garbage included) for the whole message, in a roomy heap. */
    private static long allocated(String system, Path folder) throws IOException, InterruptedException {
        Process p = child(system, folder, MAX_HEAP_KIB).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(system + " failed to decrypt: " + out);
        }
        return Long.parseLong(out.substring(out.lastIndexOf('\n') + 1));
    }

    private static ProcessBuilder child(String system, Path folder, int heapKiB) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xms1m", "-Xmx" + heapKiB + "k", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), StreamingHeap.class.getName(), "--decrypt", system,
                folder.toString()).redirectErrorStream(true);
    }

    /** Encrypts the same 64 MiB with every system into {@code folder}, with the keys the children need. */
    static void prepare(Path folder) throws Exception {
        SecureRandom random = new SecureRandom();
        try (OutputStream out = Files.newOutputStream(folder.resolve("floor"))) {
            writeMessage(out);
        }

        try (KeyService keys = KeyStores.openFile(folder.resolve("store.kms"), PASSWORD, BenchStores.options())) {
            Cipher c = Cipher.getInstance("KMSEnvelope", BenchStores.PROVIDER);
            c.init(Cipher.ENCRYPT_MODE, keys.createKey("bench", ""), KmsEnvelopeSpec.withContext(CONTEXT));
            try (OutputStream out = new CipherOutputStream(sink(folder, "kmsEnvelope"), c)) {
                writeMessage(out);
            }
        }

        StreamingAeadConfig.register();
        KeysetHandle keyset = KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB);
        Files.writeString(folder.resolve("tink.json"),
                TinkJsonProtoKeysetFormat.serializeKeyset(keyset, InsecureSecretKeyAccess.get()));
        StreamingAead tink = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
        try (OutputStream out = tink.newEncryptingStream(sink(folder, "tinkStreaming"), AAD)) {
            writeMessage(out);
        }

        byte[] aesKey = new byte[32];
        random.nextBytes(aesKey);
        Files.write(folder.resolve("esdk.key"), aesKey);
        try (OutputStream out = esdk().createEncryptingStream(esdkKeyring(aesKey), sink(folder, "esdkCommitting"), CONTEXT)) {
            writeMessage(out);
        }
    }

    /** The child: decrypts {@code system}'s message through its streaming API; returns the plaintext length. */
    static long decrypt(String system, Path folder) throws Exception {
        InputStream file = Files.newInputStream(folder.resolve(system));
        return switch (system) {
            case "floor" -> drain(file);
            case "kmsEnvelope" -> {
                try (KeyService keys = KeyStores.openFile(folder.resolve("store.kms"), PASSWORD, BenchStores.options())) {
                    Cipher c = Cipher.getInstance("KMSEnvelope", BenchStores.PROVIDER);
                    c.init(Cipher.DECRYPT_MODE, keys.findKey("bench").orElseThrow(), KmsEnvelopeSpec.withContext(CONTEXT));
                    yield drain(new CipherInputStream(file, c));
                }
            }
            case "tinkStreaming" -> {
                StreamingAeadConfig.register();
                StreamingAead tink = TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(folder.resolve("tink.json")),
                        InsecureSecretKeyAccess.get()).getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
                yield drain(tink.newDecryptingStream(file, AAD));
            }
            case "esdkCommitting" -> drain(esdk().createUnsignedMessageDecryptingStream(
                    esdkKeyring(Files.readAllBytes(folder.resolve("esdk.key"))), file, CONTEXT));
            default -> throw new IllegalArgumentException("unknown system " + system);
        };
    }

    private static AwsCrypto esdk() {
        return AwsCrypto.builder().withCommitmentPolicy(CommitmentPolicy.RequireEncryptRequireDecrypt)
                .withEncryptionAlgorithm(CryptoAlgorithm.ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY).build();
    }

    private static IKeyring esdkKeyring(byte[] key) {
        return MaterialProviders.builder().MaterialProvidersConfig(MaterialProvidersConfig.builder().build()).build()
                .CreateRawAesKeyring(CreateRawAesKeyringInput.builder().keyNamespace("kms-jca").keyName("benchmark")
                        .wrappingKey(ByteBuffer.wrap(key)).wrappingAlg(AesWrappingAlg.ALG_AES256_GCM_IV12_TAG16).build());
    }

    private static OutputStream sink(Path folder, String system) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(folder.resolve(system)), 1 << 16);
    }

    /** 64 MiB of a repeating pattern, written 64 KiB at a time: no message is ever held whole. */
    private static void writeMessage(OutputStream out) throws IOException {
        byte[] block = new byte[1 << 16];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) (i * 31 + 7);
        }
        for (long done = 0; done < MESSAGE; done += block.length) {
            out.write(block);
        }
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        }
        return total;
    }
}
