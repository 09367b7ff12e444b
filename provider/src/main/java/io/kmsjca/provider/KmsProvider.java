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
            super(provider, type, algorithm, className, List.of(), attributes);
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
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
