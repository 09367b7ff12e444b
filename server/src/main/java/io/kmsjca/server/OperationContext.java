package io.kmsjca.server;

import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.provider.KmsProvider;

import java.security.KeyStoreException;
import java.security.Provider;
import java.util.Optional;

/** What every group of operations works with: the key service, the ARNs of this server, and the provider. */
final class OperationContext {

    private final KeyService service;
    private final KeyIds ids;
    private final Provider provider = new KmsProvider();

    OperationContext(KeyService service, KeyIds ids) {
        this.service = service;
        this.ids = ids;
    }

    KeyService service() {
        return service;
    }

    KeyIds ids() {
        return ids;
    }

    Provider provider() {
        return provider;
    }

    /** The key service's name for the request's {@code KeyId} member (required). */
    String key(JsonInput request, String member) throws KmsError {
        return ids.resolve(request.requiredString(member, KeyIds.MAX_KEY_ID_CHARS));
    }

    /** The handle of the key {@code resolved} names, as {@code KeyStore.getKey} on the store's view would return it. */
    KmsKeyHandle handle(String resolved) throws KeyStoreException {
        return service.findKey(resolved).orElseThrow(() -> new KeyNotFoundException(resolved));
    }

    /** The asymmetric key {@code resolved} names, or empty when it names a symmetric key (or none). */
    Optional<KmsPrivateKeyHandle> privateKey(String resolved) {
        return service.findPrivateKey(resolved);
    }
}
