package io.kmsjca.cli;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * The four steps of envelope encryption as the KMS guides teach them, with the standard JCA API
 * and an embedded file key store: create a master key; generate a data key (plaintext and
 * wrapped); encrypt a file with the data key and store the wrapped key beside it; later, from the
 * wrapped key alone, recover the data key and decrypt.
 */
final class Demo {

    private static final char[] PASSWORD = "kms-demo-password".toCharArray();
    private static final Map<String, String> CONTEXT = Map.of("purpose", "kms-demo", "file", "report.txt");

    private final PrintWriter out;

    Demo(PrintWriter out) {
        this.out = out;
    }

    void run(Path dir) throws Exception {
        Path folder = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kms-demo-");
        Path storeFile = folder.resolve("demo-keys.kms");
        Path data = folder.resolve("report.txt");
        Files.writeString(data, "Quarterly numbers: revenue 4.2M, costs 3.1M. Confidential.\n");
        KmsProvider provider = new KmsProvider();
        out.println("kms-jca demo in " + folder);

        // 1. a master key, generated inside the provider; only a handle comes out
        KmsKeyHandle master;
        try (KeyService keys = KmsAdmin.open(storeFile, PASSWORD)) {
            master = keys.createKey("demo", "kms-jca demo master key");
            out.println("1. created master key alias/demo (" + master.keyId() + ") in " + storeFile.getFileName()
                    + "; getEncoded() = " + Arrays.toString(master.getEncoded()));

            // 2. a data key: plaintext to use now, wrapped blob to keep (KMS GenerateDataKey)
            KeyGenerator generator = KeyGenerator.getInstance("KMSDataKey", provider);
            generator.init(KmsDataKeySpec.aes256(master).withContext(CONTEXT));
            KmsDataKey dataKey = (KmsDataKey) generator.generateKey();
            out.println("2. generated a 256-bit data key: " + dataKey.ciphertextBlob().length
                    + "-byte wrapped blob, bound to encryption context " + CONTEXT.keySet());

            // 3. encrypt the file with the data key; keep only the wrapped blob beside it
            Path encrypted = folder.resolve("report.txt.enc");
            Path blobFile = folder.resolve("report.txt.key");
            byte[] nonce = new byte[12];
            new SecureRandom().nextBytes(nonce);
            Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(128, nonce));
            byte[] ciphertext = aes.doFinal(Files.readAllBytes(data));
            Files.write(encrypted, concat(nonce, ciphertext));
            Files.write(blobFile, dataKey.ciphertextBlob());
            dataKey.destroy();
            out.println("3. encrypted " + data.getFileName() + " -> " + encrypted.getFileName()
                    + " (AES-256-GCM); stored the wrapped key as " + blobFile.getFileName()
                    + "; plaintext data key wiped");
        }

        // 4. later, in a fresh key store object: unwrap the stored blob and decrypt
        KeyStore ks = KeyStore.getInstance("KMS", provider);
        ks.load(KmsLoadParameter.file(storeFile, PASSWORD));
        Cipher unwrapper = Cipher.getInstance("KMSWrap", provider);
        unwrapper.init(Cipher.UNWRAP_MODE, ks.getKey("demo", null), new KmsEncryptionContextSpec(CONTEXT));
        SecretKey recovered = (SecretKey) unwrapper.unwrap(Files.readAllBytes(folder.resolve("report.txt.key")),
                "AES", Cipher.SECRET_KEY);
        byte[] sealed = Files.readAllBytes(folder.resolve("report.txt.enc"));
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, recovered, new GCMParameterSpec(128, sealed, 0, 12));
        byte[] plaintext = aes.doFinal(sealed, 12, sealed.length - 12);
        boolean same = MessageDigest.isEqual(plaintext, Files.readAllBytes(data));
        out.println("4. reopened the key store, unwrapped the data key from " + "report.txt.key"
                + " alone and decrypted: \"" + new String(plaintext, StandardCharsets.UTF_8).strip() + "\"");
        out.println(same ? "OK: the decrypted file matches the original (sha256 "
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plaintext)).substring(0, 16) + "...)"
                : "MISMATCH: the decrypted file differs from the original");
        if (!same) {
            throw new IllegalStateException("decrypted data differs from the original");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
