package io.kmsjca.conformance;

import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;

import io.kmsjca.provider.*;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.spi.audit.AuditEvent;

import java.security.KeyStore;
import java.security.Provider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Shared test set-up: a provider instance, cheap KDF parameters, a captured audit trail. */
public final class Fixtures {

    /** Argon2id at its cheapest allowed cost, so tests do not spend seconds per load. */
    static final Argon2Params CHEAP_KDF = Argon2Params.insecureForTests();

    static final Provider PROVIDER = new KmsProvider();

    private Fixtures() {
    }

    static KeyServiceOptions cheapOptions() {
        return KeyServiceOptions.defaults().withKdf(CHEAP_KDF);
    }

    /** A new in-memory KMS key store, through the JCA. */
    static KeyStore newKeyStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", PROVIDER);
        ks.load(KmsLoadParameter.managing(io.kmsjca.internal.service.KeyStores.newInMemory(cheapOptions())));
        return ks;
    }

    /** A store with one generated master key under {@code alias}, and its audit trail. */
    record StoreWithKey(KeyStore keyStore, KmsKeyHandle key, List<AuditEvent> audit, io.kmsjca.keys.KeyService service) {
    }

    static StoreWithKey storeWithKey(String alias) throws Exception {
        var service = io.kmsjca.internal.service.KeyStores.newInMemory(cheapOptions());
        List<AuditEvent> audit = new CopyOnWriteArrayList<>();
        service.addAuditListener(audit::add);
        KmsKeyHandle key = service.createKey(alias, "test key");
        KeyStore ks = KeyStore.getInstance("KMS", PROVIDER);
        ks.load(KmsLoadParameter.managing(service));
        audit.clear();
        return new StoreWithKey(ks, key, audit, service);
    }
}
