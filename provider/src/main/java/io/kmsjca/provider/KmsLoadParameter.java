package io.kmsjca.provider;

import io.kmsjca.keys.KeyService;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Objects;

/**
 * Loads a {@code KMS} key store from a live file, or as a view of a {@link KeyService} the
 * application already holds. With a file, every change through the {@code KeyStore} is durable
 * when the call returns; {@code store(OutputStream, char[])} still exports an image.
 *
 * <pre>{@code
 * KeyStore ks = KeyStore.getInstance("KMS");
 * ks.load(KmsLoadParameter.file(Path.of("keys.kms"), password));
 * }</pre>
 */
public final class KmsLoadParameter implements KeyStore.LoadStoreParameter {

    private final Path file;
    private final KeyStore.PasswordProtection protection;
    private final KeyService service;

    private KmsLoadParameter(Path file, KeyStore.PasswordProtection protection, KeyService service) {
        this.file = file;
        this.protection = protection;
        this.service = service;
    }

    /** The live store in {@code file}, created when absent. The password is copied. */
    public static KmsLoadParameter file(Path file, char[] password) {
        return new KmsLoadParameter(Objects.requireNonNull(file), new KeyStore.PasswordProtection(password), null);
    }

    /** A {@code KeyStore} view of an open key service. */
    public static KmsLoadParameter of(KeyService service) {
        return new KmsLoadParameter(null, null, Objects.requireNonNull(service));
    }

    Path path() {
        return file;
    }

    KeyService service() {
        return service;
    }

    @Override
    public KeyStore.ProtectionParameter getProtectionParameter() {
        return protection;
    }
}
