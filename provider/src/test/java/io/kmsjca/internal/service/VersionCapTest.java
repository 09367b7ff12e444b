package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.internal.model.Aliases;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.service.KeyChanges;
import io.kmsjca.internal.service.KeyRegistry;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.internal.store.RootKey;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.spi.KeyRecord;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A key with 10,000 versions (issue #15): the version cap and the record-size cap agree. A key at
 * the version cap, every other field at its own cap too, still seals into one record; one more
 * version is refused with a clear, audited error and nothing is lost.
 */
class VersionCapTest {

    @TempDir
    Path dir;

    @Test
    void aKeyAtTheVersionCap_withEveryFieldAtItsCap_sealsIntoOneRecord() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < MasterKeyCodec.MAX_ALIASES; i++) {
            String n = "alias-" + i + "-";
            aliases.add(n + "a".repeat(Aliases.MAX_LENGTH - n.length()));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 0; i < MasterKeyCodec.MAX_TAGS; i++) {
            String n = "tag-" + i + "-";
            tags.put(n + "t".repeat(128 - n.length()), "v".repeat(256));
        }
        MasterKey key = new MasterKey(UUID.randomUUID(), 1, "d".repeat(MasterKeyCodec.MAX_DESCRIPTION_BYTES),
                KeyState.ENABLED, KeyManagerType.CUSTOMER, now, null, aliases, tags, 0, 1,
                versions(1, MasterKeyCodec.MAX_VERSIONS, now));
        byte[] payload = MasterKeyCodec.encode(key);
        RootKey root = RootKey.generate();
        try {
            byte[] sealed = root.seal(key.id().toString(), 1, payload);
            System.out.printf("[scale] a key at the version cap (%,d versions), every field at its cap: record of %,d bytes,"
                    + " cap %,d%n", MasterKeyCodec.MAX_VERSIONS, sealed.length, KeyRecord.MAX_SEALED_BYTES);
            assertTrue(sealed.length <= KeyRecord.MAX_SEALED_BYTES, "the largest key the caps allow fits one record");
            assertEquals(MasterKeyCodec.MAX_VERSIONS, MasterKeyCodec.decode(key.id(), 1, payload).versions().size());
        } finally {
            root.destroy();
        }
    }

    @Test
    void aVersionPastTheCap_isRejected_andNothingIsLost() throws Exception {
        var f = new LifecycleFixture(dir);
        String id = f.keys.createKey("big", "").keyId().toString();
        byte[] firstBlob = f.wrap(id);
        KeyRegistry registry = f.keys.registry(); // commit takes the registry's lock itself
        MasterKey k = registry.lookup(id).orElseThrow();
        List<KeyVersion> all = new ArrayList<>(k.versions());
        all.addAll(versions(2, MasterKeyCodec.MAX_VERSIONS - 1, f.clock.instant()));
        registry.commit(new MasterKey(k.id(), k.revision(), k.description(), k.state(), k.manager(), k.created(),
                null, k.aliases(), k.tags(), k.rotationPeriodDays(), k.minDecryptionVersion(), all));
        f.reopen();
        assertEquals(MasterKeyCodec.MAX_VERSIONS - 1, f.keys.listKeyRotations(id).size(), "every version after the first");
        byte[] lastBlob = f.wrap(id);
        assertEquals(MasterKeyCodec.MAX_VERSIONS, WrappedKeyBlob.keyVersion(lastBlob));

        KeyStateException rotation = assertThrows(KeyStateException.class, () -> f.keys.rotateKeyOnDemand(id));
        assertTrue(rotation.getMessage().contains("10000 versions"), rotation.getMessage());
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.ROTATE_KEY).outcome(), "the refusal is audited");
        assertThrows(KeyStateException.class, () -> f.keys.importKeyMaterial("big", new byte[32]));

        f.reopen();
        assertEquals(MasterKeyCodec.MAX_VERSIONS - 1, f.keys.listKeyRotations(id).size(), "every version after the first");
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap(id, firstBlob));
        assertArrayEquals(LifecycleFixture.DATA_KEY.getEncoded(), f.unwrap(id, lastBlob));
        f.keys.close();
    }

    /** {@code count} generated versions numbered from {@code first}. */
    private static List<KeyVersion> versions(int first, int count, Instant now) {
        List<KeyVersion> versions = new ArrayList<>(count);
        for (int n = first; n < first + count; n++) {
            versions.add(KeyChanges.generatedVersion(n, now, n == 1 ? RotationReason.CREATED : RotationReason.ON_DEMAND));
        }
        return versions;
    }
}
