package io.kmsjca.provider;

import io.kmsjca.keys.KeyService;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Objects;

/**
 * Loads a {@code KMS} key store from a live file, or as a view of a {@link KeyService} the
 * application already holds. With a file, every change through the {@code KeyStore} is durable
 * when the call returns; {@code store(OutputStream, char[])} still exports an image.
 *
 * <p>What the loaded {@code KeyStore} may do follows from what it was loaded with: a file and its
 * password, or {@link #managing}, allow everything; {@link #of} allows the use of the keys only,
 * so the view can be handed to code that should wrap and unwrap but not export, import or delete
 * (docs/decisions.md).
 *
 * <pre>{@code
 * KeyStore ks = KeyStore.getInstance("KMS");
 * ks.load(KmsLoadParameter.file(Path.of("keys.kms"), password));
 * KeyStore.Builder live = KmsLoadParameter.file(Path.of("keys.kms"), password).builder(null);
 * }</pre>
 */
public final class KmsLoadParameter implements KeyStore.LoadStoreParameter {

    private final Path file;
    private final KeyStore.PasswordProtection protection;
    private final KeyService service;
    private final boolean manages;

    private KmsLoadParameter(Path file, KeyStore.PasswordProtection protection, KeyService service, boolean manages) {
        this.file = file;
        this.protection = protection;
        this.service = service;
        this.manages = manages;
    }

    /** The live store in {@code file}, created when absent. The password is copied. */
    public static KmsLoadParameter file(Path file, char[] password) {
        return new KmsLoadParameter(Objects.requireNonNull(file), new KeyStore.PasswordProtection(password), null, true);
    }

    /**
     * A {@code KeyStore} view of an open key service that may use its keys only: {@code store},
     * {@code setKeyEntry} and {@code deleteEntry} are refused ({@code StorePasswordRequiredException}).
     */
    public static KmsLoadParameter of(KeyService service) {
        return new KmsLoadParameter(null, null, Objects.requireNonNull(service), false);
    }

    /**
     * A {@code KeyStore} view of an open key service that may also export the store, import
     * material and delete entries: what the holder of the service can do already. Hand it only
     * to code trusted with the keys' management.
     */
    public static KmsLoadParameter managing(KeyService service) {
        return new KmsLoadParameter(null, null, Objects.requireNonNull(service), true);
    }

    /**
     * A {@code KeyStore.Builder} that loads a {@code KeyStore "KMS"} with this parameter when
     * first asked: for APIs that take a builder and should get the live store. The JDK's own
     * builders for a file ({@code KeyStore.Builder.newInstance(File, ...)}) read the file through
     * a stream, so they give an image in memory instead (docs/keystore-api.md).
     *
     * @param provider the KMS provider to load with, or null for the one installed as "KMS"
     */
    public KeyStore.Builder builder(Provider provider) {
        return new LoadingBuilder(this, provider);
    }

    public Path path() {
        return file;
    }

    public KeyService service() {
        return service;
    }

    public boolean manages() {
        return manages;
    }

    @Override
    public KeyStore.ProtectionParameter getProtectionParameter() {
        return protection;
    }
}
