package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;
import io.kmsjca.spi.MemoryKeyRecordStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A version another process ends (revokes) is wiped in this process too once a refresh takes the
 * change in, whichever of the three refresh paths does it, as a version this process revokes is.
 * A change that ends nothing (a tag) wipes nothing: a request here may still hold the old
 * objects, and import parameters the other writer kept stay usable.
 */
class RefreshWipesEndedVersionsTest {

    private static final char[] PASSWORD = "refresh-wipe".toCharArray();

    @TempDir
    Path dir;

    /**
     * The three ways a registry takes in another writer's change. A change feed reports a key
     * once its backend holds the change: the shared memory store always does (a file store
     * re-reads its file first, which {@code refresh} and {@code reread} do).
     */
    enum TakeIn {
        FULL_REFRESH, ONE_KEY_FROM_A_CHANGE_FEED, RE_READ_BEFORE_A_CHANGE;

        EmbeddedKeyService open(Path file, MemoryKeyRecordStore shared) throws Exception {
            return this == ONE_KEY_FROM_A_CHANGE_FEED ? KeyStores.open(shared, PASSWORD, OPTIONS)
                    : KeyStores.openFile(file, PASSWORD, OPTIONS);
        }

        void takeIn(EmbeddedKeyService keys, UUID id) throws Exception {
            switch (this) {
                case FULL_REFRESH -> keys.refresh();
                case ONE_KEY_FROM_A_CHANGE_FEED -> keys.registry().refreshKey(id);
                case RE_READ_BEFORE_A_CHANGE -> keys.registry().reread(id);
            }
        }
    }

    private static final KeyServiceOptions OPTIONS = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
            .withMaintenanceInterval(Duration.ZERO);
    private final MemoryKeyRecordStore shared = new MemoryKeyRecordStore();

    private static MasterKey seen(EmbeddedKeyService keys, UUID id) {
        return keys.registry().snapshot().byId().get(id);
    }

    @ParameterizedTest
    @EnumSource(TakeIn.class)
    void aVersionRevokedElsewhere_isWipedHere_andNothingElseIs(TakeIn path) throws Exception {
        Path file = dir.resolve("keys.kms");
        try (EmbeddedKeyService a = path.open(file, shared); EmbeddedKeyService b = path.open(file, shared)) {
            UUID id = a.createKey("orders", "").keyId();
            a.rotateKeyOnDemand("orders");
            b.refresh();
            KeyVersion first = seen(b, id).versions().get(0);
            KeyVersion second = seen(b, id).versions().get(1);
            assertTrue(first.holdsMaterial() && second.holdsMaterial());

            a.tagKey("orders", Map.of("team", "payments"));
            path.takeIn(b, id);
            assertEquals(Map.of("team", "payments"), seen(b, id).tags(), "the change was taken in");
            assertTrue(first.holdsMaterial() && second.holdsMaterial(), "a change that ends no version wipes nothing");

            MasterKey before = seen(b, id);
            KeyVersion firstNow = before.versions().get(0);
            a.revokeKeyVersion("orders", 1);
            path.takeIn(b, id);
            assertNotSame(before, seen(b, id), "the revocation was taken in");
            assertFalse(firstNow.holdsMaterial(), "the revoked version's material is wiped here too");
            assertTrue(before.versions().get(1).holdsMaterial(), "the active version is not: a request may hold it");
            assertTrue(seen(b, id).current().holdsMaterial());
        }
    }

    @ParameterizedTest
    @EnumSource(TakeIn.class)
    void importParameters_surviveAChangeThatKeepsThem_andAreWipedWhenReplacedElsewhere(TakeIn path) throws Exception {
        Path file = dir.resolve("keys.kms");
        try (EmbeddedKeyService a = path.open(file, shared); EmbeddedKeyService b = path.open(file, shared)) {
            UUID id = a.createKey(CreateKeyRequest.withAlias("byok").origin(KeyOrigin.IMPORTED)).keyId();
            a.getParametersForImport(id.toString(), WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
            b.refresh();
            SecretBytes held = seen(b, id).imports().orElseThrow().wrapping().privateKey();

            a.tagKey("byok", Map.of("team", "payments"));
            path.takeIn(b, id);
            assertEquals(Map.of("team", "payments"), seen(b, id).tags());
            assertFalse(held.isDestroyed(), "the same parameters: an import running here on the old copy goes on");

            SecretBytes now = seen(b, id).imports().orElseThrow().wrapping().privateKey();
            a.getParametersForImport(id.toString(), WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
            path.takeIn(b, id);
            assertTrue(now.isDestroyed(), "parameters replaced elsewhere: the old wrapping key is wiped here");
            assertFalse(seen(b, id).imports().orElseThrow().wrapping().privateKey().isDestroyed());
        }
    }
}
