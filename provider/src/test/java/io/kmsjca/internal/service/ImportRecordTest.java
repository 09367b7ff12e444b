package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.model.ImportState;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.VersionState;
import io.kmsjca.keys.WrappingAlgorithm;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

/** The import side of a version 5 key record: written and read back, bounded, malformed flags refused. */
class ImportRecordTest {

    private static final UUID ID = UUID.fromString("00000000-0000-4000-8000-000000000020");
    private static final Instant T = Instant.parse("2026-12-04T00:00:00Z");

    private static MasterKey waitingWithParameters() {
        KeyPair wrapping = KeyPairs.generate(KeySpec.RSA_2048);
        var params = new ImportState.WrappingParameters(WrappingAlgorithm.RSA_AES_KEY_WRAP_SHA_256, KeySpec.RSA_2048,
                new SecretBytes(wrapping.getPrivate().getEncoded(), "PKCS#8"), wrapping.getPublic().getEncoded(),
                T.plusSeconds(86400));
        return MasterKey.createExternal(ID, "byok", T, List.of("byok"), Map.of(), KeySpec.SYMMETRIC_DEFAULT,
                KeyUsage.ENCRYPT_DECRYPT).withWrappingParameters(params);
    }

    @Test
    void anExternalKeyWaitingWithParameters_isWrittenAsVersion5_andReadBack() {
        MasterKey key = waitingWithParameters();
        byte[] payload = MasterKeyCodec.encode(key);
        assertEquals(5, payload[0]);
        MasterKey read = MasterKeyCodec.decode(ID, 1, payload.clone());
        assertEquals(KeyState.PENDING_IMPORT, read.state());
        assertEquals(VersionState.PENDING_IMPORT, read.versions().get(0).state());
        assertEquals(key.imports().orElseThrow(), read.imports().orElseThrow());
        assertArrayEquals(key.imports().orElseThrow().wrapping().privateKey().getEncoded(),
                read.imports().orElseThrow().wrapping().privateKey().getEncoded());
        assertArrayEquals(payload, MasterKeyCodec.encode(read), "read and written again: the same bytes");
    }

    @Test
    void truncated_extended_orBadFlags_areRefused() {
        MasterKey key = waitingWithParameters();
        byte[] payload = MasterKeyCodec.encode(key);
        int p = key.imports().orElseThrow().wrapping().privateKey().length();
        int q = key.imports().orElseThrow().wrapping().publicKeyDer().length;
        int wrappingFlag = payload.length - 8 - (4 + q) - (4 + p) - 1 - 1 - 1;
        assertEquals(1, payload[wrappingFlag]);
        assertEquals(0, payload[wrappingFlag - 1], "no digest before any import");
        for (int bad : new int[]{wrappingFlag, wrappingFlag - 1}) {
            byte[] flag = payload.clone();
            flag[bad] = 2;
            assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 1, flag));
        }
        assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 1, Arrays.copyOf(payload, payload.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 1, Arrays.copyOf(payload, payload.length + 1)));
        // the import block's layout from its end: ... spki (4 + q), valid-to (8)
        int spki = KeyPairs.generate(KeySpec.RSA_2048).getPublic().getEncoded().length;
        int validTo = payload.length - 8;
        int spkiLength = validTo - spki - 4;
        byte[] huge = payload.clone();
        huge[spkiLength] = 0x7f; // a length far over the bound: refused before allocating
        assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 1, huge));
        // a PendingImport key whose version claims material is refused by the model's invariants
        byte[] state = payload.clone();
        state[1] = (byte) KeyState.ENABLED.ordinal();
        assertThrows(IllegalArgumentException.class, () -> MasterKeyCodec.decode(ID, 1, state));
    }
}
