package io.kmsjca.internal.service;

import io.kmsjca.internal.model.Aliases;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyPage;
import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.KeyState;

import java.security.KeyStoreException;
import java.util.Comparator;
import java.util.List;

/**
 * The reads of {@link EmbeddedKeyService}: describe and list keys, aliases and rotations. Lock-free:
 * each reads the {@link KeyRegistry}'s immutable snapshot once. Provider-owned keys never show.
 */
public final class KeyQueries {

    private static final int MAX_PAGE = 1000;

    private final KeyRegistry registry;

    KeyQueries(KeyRegistry registry) {
        this.registry = registry;
    }

    MasterKey find(String key) throws KeyStoreException {
        return registry.lookup(key).orElseThrow(() -> new KeyNotFoundException(key));
    }

    List<KeyMetadata> listKeys() {
        return visibleKeys().stream().map(MasterKey::metadata).toList();
    }

    KeyPage listKeys(int limit, String marker) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_PAGE + ", was " + limit);
        }
        List<MasterKey> all = visibleKeys();
        List<KeyMetadata> page = all.stream().filter(k -> marker == null || k.id().toString().compareTo(marker) > 0)
                .limit(limit).map(MasterKey::metadata).toList();
        boolean more = !page.isEmpty() && !page.get(page.size() - 1).keyId().equals(all.get(all.size() - 1).id());
        return new KeyPage(page, more ? page.get(page.size() - 1).keyId().toString() : null);
    }

    boolean hasAlias(String alias) {
        try {
            return alias != null && registry.snapshot().byAlias().containsKey(Aliases.normalize(alias));
        } catch (IllegalArgumentException notAnAlias) {
            return false;
        }
    }

    List<String> aliases() {
        return registry.snapshot().byAlias().keySet().stream().sorted().toList();
    }

    List<KeyAlias> listAliases() {
        return registry.snapshot().byAlias().entrySet().stream().map(e -> new KeyAlias(e.getKey(), e.getValue()))
                .sorted(Comparator.comparing(KeyAlias::alias)).toList();
    }

    List<KeyRotation> listKeyRotations(String key) throws KeyStoreException {
        return find(key).versions().stream().skip(1)
                .map(v -> new KeyRotation(v.number(), v.created(), v.reason(), v.state(), v.wraps())).toList();
    }

    /** Every key that is not destroyed, ordered by id. */
    private List<MasterKey> visibleKeys() {
        return registry.snapshot().byId().values().stream()
                .filter(k -> k.manager() != KeyManagerType.PROVIDER_OWNED && k.state() != KeyState.DESTROYED)
                .sorted(Comparator.comparing(k -> k.id().toString())).toList();
    }
}
