package io.kmsjca.internal.model;

import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * An EXTERNAL key's import state as a value: what a record round trip is compared by. Each field
 * makes a difference, the wrapping key's private half does not (it is sealed, not compared), and
 * neither names more than it should.
 */
class ImportStateValueTest {

    private static final Instant T = Instant.parse("2027-01-01T00:00:00Z");

    private static ImportState.WrappingParameters wrapping(WrappingAlgorithm algorithm, KeySpec spec, byte[] der, Instant until) {
        return new ImportState.WrappingParameters(algorithm, spec, new SecretBytes(new byte[] {1, 2, 3}, "PKCS#8"), der, until);
    }

    @Test
    void wrappingParameters_equalByAlgorithmSpecPublicKeyAndValidity_notByThePrivateKey() {
        byte[] der = {0x30, 0x01, 0x02};
        var w = wrapping(WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048, der, T);
        var same = new ImportState.WrappingParameters(WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048,
                new SecretBytes(new byte[] {9}, "PKCS#8"), der.clone(), T);
        assertEquals(w, same);
        assertEquals(w.hashCode(), same.hashCode());
        for (var other : List.of(wrapping(WrappingAlgorithm.RSAES_OAEP_SHA_1, KeySpec.RSA_2048, der, T),
                wrapping(WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_3072, der, T),
                wrapping(WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048, new byte[] {0x30, 0x01, 0x03}, T),
                wrapping(WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048, der, T.plusSeconds(1)))) {
            assertNotEquals(w, other, other.toString());
        }
        assertNotEquals(w, "not parameters");
        der[0] = 0; // the caller's array changes after the parameters were made
        assertArrayEquals(new byte[] {0x30, 0x01, 0x02}, w.publicKeyDer());
        w.publicKeyDer()[0] = 0;
        assertArrayEquals(new byte[] {0x30, 0x01, 0x02}, w.publicKeyDer());
        assertEquals("WrappingParameters[RSAES_OAEP_SHA_256, RSA_2048, until 2027-01-01T00:00:00Z]", w.toString());
    }

    @Test
    void importState_equalByEveryField() {
        byte[] digest = new byte[ImportState.DIGEST_BYTES];
        var w = wrapping(WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048, new byte[] {0x30}, T);
        ImportState state = ImportState.NEW.imported(digest, ExpirationModel.KEY_MATERIAL_EXPIRES, T).withWrapping(w);
        ImportState same = ImportState.NEW.imported(digest.clone(), ExpirationModel.KEY_MATERIAL_EXPIRES, T).withWrapping(w);
        assertEquals(state, same);
        assertEquals(state.hashCode(), same.hashCode());
        byte[] otherDigest = digest.clone();
        otherDigest[31] = 1;
        for (ImportState other : List.of(
                ImportState.NEW.imported(digest, ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null).withWrapping(w),
                ImportState.NEW.imported(digest, ExpirationModel.KEY_MATERIAL_EXPIRES, T.plusSeconds(1)).withWrapping(w),
                ImportState.NEW.imported(otherDigest, ExpirationModel.KEY_MATERIAL_EXPIRES, T).withWrapping(w),
                ImportState.NEW.imported(digest, ExpirationModel.KEY_MATERIAL_EXPIRES, T),
                ImportState.NEW)) {
            assertNotEquals(state, other, other.toString());
        }
        assertNotEquals(state, "not a state");
        String text = state.toString();
        assertEquals("ImportState[KEY_MATERIAL_EXPIRES, validTo 2027-01-01T00:00:00Z, digest true, wrapping " + w + "]", text);
        assertFalse(ImportState.NEW.toString().contains("digest true"));
    }
}
