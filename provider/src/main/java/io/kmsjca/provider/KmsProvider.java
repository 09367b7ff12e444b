package io.kmsjca.provider;

import io.kmsjca.provider.KmsConfig;

import com.google.auto.service.AutoService;
import io.kmsjca.provider.ConfiguredStore;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.util.List;
import java.util.Map;

/**
 * The {@code KMS} provider. Install it in code ({@code Security.addProvider(new KmsProvider())}),
 * by name in {@code java.security} ({@code security.provider.N=KMS}, found through
 * {@code ServiceLoader}), or with a configuration file
 * ({@code security.provider.N=KMS /etc/kms/kms.conf}; the keys are in the README).
 *
 * <p>Services, registered as in the JDK's SunJCE: class names as strings, loaded on first use.
 * <ul>
 *   <li>{@code KeyStore KMS}: master keys as non-exportable handles;</li>
 *   <li>{@code Cipher KMSWrap}: wraps data keys and small payloads under a master key;</li>
 *   <li>{@code Cipher KMSEnvelope}: messages of any size, streamed, under one or several master keys;</li>
 *   <li>{@code KeyGenerator KMSDataKey}: data keys with their wrapped form (KMS GenerateDataKey);</li>
 *   <li>with a KMS private-key handle (asymmetric keys): {@code Signature} SHA256/384/512withRSA,
 *       RSASSA-PSS, SHA256/384/512withECDSA, Ed25519, ML-DSA; {@code Cipher} RSA-OAEP decryption;
 *       {@code KeyAgreement ECDH}; and {@code KeyPairGenerator} RSA, EC, Ed25519, ML-DSA by name;</li>
 *   <li>{@code Mac HmacSHA224 ... HmacSHA512}: HMACs with a KMS HMAC key's handle (KMS GenerateMac);</li>
 *   <li>{@code SecureRandom KMS}: the provider's own generator.</li>
 * </ul>
 */
@AutoService(Provider.class)
public final class KmsProvider extends Provider {
    private static final long serialVersionUID = 1L;

    public static final String NAME = "KMS";
    static final String VERSION = "0.1";
    private static final String PACKAGE = "io.kmsjca.provider.";

    /** The store the configuration names, shared by every {@code KeyStore "KMS"} of this provider. */
    private final transient ConfiguredStore store;

    /** An unconfigured provider: {@code KeyStore.load(null, null)} makes a new in-memory store. */
    public KmsProvider() {
        this(KmsConfig.DEFAULTS);
    }

    private KmsProvider(KmsConfig config) {
        super(NAME, VERSION, "kms-jca: KMS-style master keys, key wrapping and data keys, with no cloud");
        this.store = new ConfiguredStore(config);
        // Only a KMS key handle can key KMSWrap: the attribute lets the JCA's delayed provider
        // selection route such a handle here even when no provider is named.
        Map<String, String> handleOnly = Map.of("SupportedKeyClasses", "io.kmsjca.keys.KmsKeyHandle");
        putService(new KmsService(this, "KeyStore", "KMS", PACKAGE + "KmsKeyStoreSpi", Map.of()));
        putService(new KmsService(this, "Cipher", "KMSWrap", PACKAGE + "KmsWrapCipherSpi", handleOnly));
        putService(new KmsService(this, "Cipher", "KMSEnvelope", PACKAGE + "KmsEnvelopeCipherSpi",
                Map.of("SupportedKeyClasses", "io.kmsjca.keys.KmsKeyHandle|io.kmsjca.keys.KmsKeyRing")));
        putService(new KmsService(this, "KeyGenerator", "KMSDataKey", PACKAGE + "KmsDataKeyGeneratorSpi", Map.of()));
        // HMAC keys: only a KMS handle routes here; a SecretKeySpec stays with the JDK's Mac
        for (String mac : List.of("HmacSHA224", "HmacSHA256", "HmacSHA384", "HmacSHA512")) {
            putService(new KmsService(this, "Mac", mac, PACKAGE + "KmsMacSpi$" + mac, handleOnly));
        }
        putService(new KmsService(this, "SecureRandom", "KMS", PACKAGE + "KmsSecureRandomSpi",
                Map.of("ThreadSafe", "true")));
        putPrivateKeyServices();
    }

    /**
     * The services of asymmetric keys (#19), under the JDK's standard names. {@code Signature},
     * {@code Cipher} and {@code KeyAgreement} take only a KMS private-key handle (the interface:
     * the JDK matches {@code SupportedKeyClasses} with {@code isAssignableFrom}), so delayed provider
     * selection routes a handle here and any other key to the JDK, wherever this provider is in the
     * list. {@code KeyPairGenerator} has no such selection, so its services answer only a request
     * that names this provider ({@code getInstance("EC", "KMS")}, {@code keytool -providername KMS};
     * {@link NamedRequests}): an unnamed one gets the JDK's, wherever this provider is in the list
     * (docs/asymmetric-keys.md).
     */
    private void putPrivateKeyServices() {
        Map<String, String> privateHandleOnly = Map.of("SupportedKeyClasses", "io.kmsjca.keys.KmsPrivateKeyHandle");
        String digest = PACKAGE + "DigestSignatureSpi$";
        String message = PACKAGE + "MessageSignatureSpi$";
        putSignature("SHA256withRSA", digest + "Sha256WithRsa", privateHandleOnly);
        putSignature("SHA384withRSA", digest + "Sha384WithRsa", privateHandleOnly);
        putSignature("SHA512withRSA", digest + "Sha512WithRsa", privateHandleOnly);
        putSignature("RSASSA-PSS", PACKAGE + "RsaPssSignatureSpi", privateHandleOnly);
        putSignature("SHA256withECDSA", digest + "Sha256WithEcdsa", privateHandleOnly);
        putSignature("SHA384withECDSA", digest + "Sha384WithEcdsa", privateHandleOnly);
        putSignature("SHA512withECDSA", digest + "Sha512WithEcdsa", privateHandleOnly);
        putService(new KmsService(this, "Signature", "Ed25519", message + "Ed25519", List.of("EdDSA"), privateHandleOnly));
        String mlDsa = PACKAGE + "MlDsaSignatureSpi";
        putSignature("ML-DSA", mlDsa, privateHandleOnly);
        putSignature("ML-DSA-44", mlDsa + "$MlDsa44", privateHandleOnly);
        putSignature("ML-DSA-65", mlDsa + "$MlDsa65", privateHandleOnly);
        putSignature("ML-DSA-87", mlDsa + "$MlDsa87", privateHandleOnly);

        String oaep = PACKAGE + "RsaOaepCipherSpi$";
        putService(new KmsService(this, "Cipher", "RSA/ECB/OAEPWithSHA-1AndMGF1Padding", oaep + "OaepSha1",
                List.of("RSA/ECB/OAEPWithSHA1AndMGF1Padding"), privateHandleOnly));
        putService(new KmsService(this, "Cipher", "RSA/ECB/OAEPWithSHA-256AndMGF1Padding", oaep + "OaepSha256",
                List.of("RSA/ECB/OAEPWithSHA256AndMGF1Padding"), privateHandleOnly));
        putService(new KmsService(this, "Cipher", "RSA/ECB/OAEPPadding", oaep + "Oaep", List.of(), privateHandleOnly));
        putService(new KmsService(this, "KeyAgreement", "ECDH", PACKAGE + "EcdhKeyAgreementSpi", List.of(), privateHandleOnly));

        String generator = PACKAGE + "KmsKeyPairGeneratorSpi$";
        putService(new KmsService(this, "KeyPairGenerator", "RSA", generator + "Rsa", Map.of()));
        putService(new KmsService(this, "KeyPairGenerator", "EC", generator + "Ec", Map.of()));
        putService(new KmsService(this, "KeyPairGenerator", "Ed25519", generator + "Ed25519", List.of("EdDSA"), Map.of()));
        putService(new KmsService(this, "KeyPairGenerator", "ML-DSA", generator + "MlDsa", Map.of()));
    }

    private void putSignature(String algorithm, String className, Map<String, String> attributes) {
        putService(new KmsService(this, "Signature", algorithm, className, attributes));
    }

    /**
     * A provider configured by the file at {@code configArg} (as SunPKCS11 does).
     *
     * @throws java.security.InvalidParameterException the file cannot be read or is invalid
     */
    @Override
    public Provider configure(String configArg) {
        return new KmsProvider(KmsConfig.load(Path.of(configArg)));
    }

    /** Always true: the provider works without configuration, with in-memory stores. */
    @Override
    public boolean isConfigured() {
        return true;
    }

    /**
     * A service created by this class, not by reflection from {@code java.base}: its classes are
     * not public (they only adapt the JCA to the engines and are no part of the API). The KeyStore implementation receives the
     * configured store, so that {@code load(null, ...)} can open it; other SPIs have no-argument
     * constructors.
     */
    private static final class KmsService extends Service {
        KmsService(Provider provider, String type, String algorithm, String className, Map<String, String> attributes) {
            this(provider, type, algorithm, className, List.of(), attributes);
        }

        KmsService(Provider provider, String type, String algorithm, String className, List<String> aliases,
                   Map<String, String> attributes) {
            super(provider, type, algorithm, className, aliases, attributes);
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            if (getType().equals("KeyPairGenerator") && !NamedRequests.namedKeyPairGenerator()) {
                // the JCA skips a provider whose service throws this, and takes the next one
                throw new NoSuchAlgorithmException("the KMS provider's KeyPairGenerator " + getAlgorithm()
                        + " is reached by naming the provider: KeyPairGenerator.getInstance(\"" + getAlgorithm() + "\", \"KMS\")");
            }
            try {
                Class<?> spi = Class.forName(getClassName());
                var constructor = getType().equals("KeyStore") ? spi.getDeclaredConstructor(ConfiguredStore.class)
                        : spi.getDeclaredConstructor();
                constructor.setAccessible(true); // a class of this package, not public
                return getType().equals("KeyStore") ? constructor.newInstance(((KmsProvider) getProvider()).store)
                        : constructor.newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                throw new NoSuchAlgorithmException("cannot create " + getClassName(), cause);
            }
        }
    }
}
