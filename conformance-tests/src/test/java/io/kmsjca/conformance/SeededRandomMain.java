package io.kmsjca.conformance;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsDataKey;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.security.Provider;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A process that hands the provider a caller-seeded {@code SHA1PRNG}, as a careless caller (or a
 * JVM restored from a snapshot) would: opens the store file {@code args[0]}, then with key
 * {@code args[1]} prints a KMSWrap blob of a fixed data key, a KMSDataKey data key and a
 * KMSEnvelope message of a fixed payload, each made with a generator seeded the same way.
 */
public final class SeededRandomMain {

    static final byte[] DATA_KEY = new byte[32];
    static final byte[] SEED = {7, 7, 7, 7};

    public static void main(String[] args) throws Exception {
        KeyService service = KeyStores.openFile(Path.of(args[0]), "seeded".toCharArray(),
                KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO));
        KmsKeyHandle key = service.findKey(args[1]).orElseThrow();
        Provider provider = new KmsProvider();
        HexFormat hex = HexFormat.of();

        Cipher wrap = Cipher.getInstance("KMSWrap", provider);
        wrap.init(Cipher.WRAP_MODE, key, seeded());
        System.out.println("blob=" + hex.formatHex(wrap.wrap(new SecretKeySpec(DATA_KEY, "AES"))));

        KeyGenerator dataKeys = KeyGenerator.getInstance("KMSDataKey", provider);
        dataKeys.init(KmsDataKeySpec.aes256(key), seeded());
        KmsDataKey generated = (KmsDataKey) dataKeys.generateKey();
        System.out.println("datakey=" + hex.formatHex(generated.getEncoded()));

        Cipher envelope = Cipher.getInstance("KMSEnvelope", provider);
        envelope.init(Cipher.ENCRYPT_MODE, key, seeded());
        System.out.println("envelope=" + hex.formatHex(envelope.doFinal(new byte[100])));
        service.close();
    }

    private static SecureRandom seeded() throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(SEED);
        return r;
    }
}
