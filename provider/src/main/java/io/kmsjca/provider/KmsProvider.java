package io.kmsjca.provider;

import io.kmsjca.internal.jca.KmsConfig;

import com.google.auto.service.AutoService;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.jca.KeyStoreAccess;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code KMS} provider. Install it in code ({@code Security.addProvider(new KmsProvider())}),
 * by name in {@code java.security} ({@code security.provider.N=KMS}, found through
 * {@code ServiceLoader}), or with a configuration file
 * ({@code security.provider.N=KMS /etc/kms/kms.conf}, see {@link KmsConfig}).
 *
 * <p>Services, registered as in the JDK's SunJCE: class names as strings, loaded on first use.
 * <ul>
 *   <li>{@code KeyStore KMS}: master keys as non-exportable handles;</li>
 *   <li>{@code Cipher KMSWrap}: wraps data keys and small payloads under a master key;</li>
 *   <li>{@code Cipher KMSEnvelope}: messages of any size, streamed, under one or several master keys;</li>
 *   <li>{@code KeyGenerator KMSDataKey}: data keys with their wrapped form (KMS GenerateDataKey).</li>
 * </ul>
 */
@AutoService(Provider.class)
public final class KmsProvider extends Provider {
    private static final long serialVersionUID = 1L;

    public static final String NAME = "KMS";
    static final String VERSION = "0.1";
    private static final String PACKAGE = "io.kmsjca.provider.";

    private final transient KmsConfig config;
    private transient KeyService configuredStore;

    /** An unconfigured provider: {@code KeyStore.load(null, null)} makes a new in-memory store. */
    public KmsProvider() {
        this(KmsConfig.DEFAULTS);
    }

    private KmsProvider(KmsConfig config) {
        super(NAME, VERSION, "kms-jca: KMS-style master keys, key wrapping and data keys, with no cloud");
        this.config = config;
        // Only a KMS key handle can key KMSWrap: the attribute lets the JCA's delayed provider
        // selection route such a handle here even when no provider is named.
        Map<String, String> handleOnly = Map.of("SupportedKeyClasses", "io.kmsjca.keys.KmsKeyHandle");
        putService(new KmsService(this, "KeyStore", "KMS", PACKAGE + "KmsKeyStoreSpi", Map.of()));
        putService(new KmsService(this, "Cipher", "KMSWrap", PACKAGE + "KmsWrapCipherSpi", handleOnly));
        putService(new KmsService(this, "Cipher", "KMSEnvelope", PACKAGE + "KmsEnvelopeCipherSpi",
                Map.of("SupportedKeyClasses", "io.kmsjca.keys.KmsKeyHandle|io.kmsjca.keys.KmsKeyRing")));
        putService(new KmsService(this, "KeyGenerator", "KMSDataKey", PACKAGE + "KmsDataKeyGeneratorSpi", Map.of()));
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

    public KmsConfig config() {
        return config;
    }

    /**
     * The live store the configuration names, opened once and shared by every
     * {@code KeyStore.load(null, ...)} of this provider instance, with what that load may do: a
     * password given to {@code load} is checked against the store every time (a wrong one is
     * refused even when the store is already open) and allows everything; without one, the
     * store opens from the configured password source and its keys may only be used.
     *
     * @param password the store password, or null to use the configured password source
     * @return empty when no store is configured
     */
    public synchronized Optional<KeyStoreAccess> configuredStore(char[] password) throws IOException {
        if (!config.namesStore()) {
            return Optional.empty();
        }
        if (configuredStore == null) {
            char[] pw = password != null ? password.clone() : config.password().orElseThrow(() -> new IOException(
                    "no password: pass one to KeyStore.load or set store.password.file in " + config.source(),
                    new UnrecoverableKeyException("no password given")));
            try {
                configuredStore = config.openStore(pw);
            } finally {
                Arrays.fill(pw, '\0');
            }
            if (password != null) {
                return Optional.of(KeyStoreAccess.administrator(configuredStore));
            }
        } else if (password != null) {
            return Optional.of(KeyStoreAccess.checkPassword(configuredStore, password));
        }
        return Optional.of(KeyStoreAccess.keysOnly(configuredStore, "without the store password (load(null, null): "
                + "the configured password source, or the store already open)"));
    }

    /**
     * A service whose KeyStore implementation receives this provider, so that
     * {@code load(null, ...)} can open the configured store; other SPIs have no-argument
     * constructors.
     */
    private static final class KmsService extends Service {
        KmsService(Provider provider, String type, String algorithm, String className, Map<String, String> attributes) {
            super(provider, type, algorithm, className, List.of(), attributes);
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            if (!getType().equals("KeyStore")) {
                return super.newInstance(constructorParameter);
            }
            try {
                return Class.forName(getClassName()).getConstructor(KmsProvider.class).newInstance(getProvider());
            } catch (ReflectiveOperationException | LinkageError e) {
                Throwable cause = e instanceof InvocationTargetException ite ? ite.getCause() : e;
                throw new NoSuchAlgorithmException("cannot create " + getClassName(), cause);
            }
        }
    }
}
