package io.kmsjca.internal.store;

import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.model.ImportState;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static io.kmsjca.internal.store.MasterKeyCodec.IMPORT_PRIVATE_KEY;
import static io.kmsjca.internal.store.MasterKeyCodec.IN_RECORD;
import static io.kmsjca.internal.store.MasterKeyCodec.MAX_PRIVATE_KEY_BYTES;
import static io.kmsjca.internal.store.MasterKeyCodec.MAX_PUBLIC_KEY_BYTES;
import static io.kmsjca.internal.store.RecordFields.bound;
import static io.kmsjca.internal.store.RecordFields.readBlock;
import static io.kmsjca.internal.store.RecordFields.writeBlock;
import static io.kmsjca.internal.store.RecordFields.writeSecretBlock;
import static io.kmsjca.internal.store.RecordFields.flag;
import static io.kmsjca.internal.store.RecordFields.optionalInstant;
import static io.kmsjca.internal.store.RecordFields.pick;

/**
 * The import side of a key of origin EXTERNAL in its record payload, from version 5 on
 * (docs/FORMAT.md): expiration, the material's digest, and the pending import parameters, whose
 * private key is kept in the record or, from version 6, sealed to the principals that may import.
 */
final class ImportStateCodec {

    private ImportStateCodec() {
    }

    /**
     * Version 5, last: the import side of a key of origin EXTERNAL (docs/FORMAT.md): a flag byte
     * (0: not EXTERNAL, nothing follows), the expiration model (0 none, else its ordinal + 1), the
     * ValidTo (epoch ms, -1 none), the keyed material digest (flag, 32 bytes), and the latest
     * wrapping parameters (flag; algorithm, spec, PKCS#8 and X.509 length-prefixed, valid-to).
     */
    static void write(DataOutputStream out, ImportState imports, SealPlan seals) throws IOException {
        out.writeBoolean(imports != null);
        if (imports == null) {
            return;
        }
        out.writeByte(imports.expirationModel() == null ? 0 : imports.expirationModel().ordinal() + 1);
        out.writeLong(imports.validTo() == null ? -1L : imports.validTo().toEpochMilli());
        byte[] digest = imports.materialDigest();
        out.writeBoolean(digest != null);
        if (digest != null) {
            out.write(digest);
        }
        ImportState.WrappingParameters w = imports.wrapping();
        out.writeBoolean(w != null);
        if (w == null) {
            return;
        }
        out.writeByte(w.algorithm().ordinal());
        out.writeByte(w.wrappingSpec().ordinal());
        if (seals != null) { // version 6: where the private key is, then it or its ciphertext
            out.writeByte(seals.importRef);
            if (seals.importRef != IN_RECORD) {
                writeBlock(out, seals.importCiphertext);
                byte[] x509 = w.publicKeyDer();
                writeBlock(out, x509);
                out.writeLong(w.validTo().toEpochMilli());
                return;
            }
        }
        writeSecretBlock(out, w.privateKey().getEncoded());
        writeBlock(out, w.publicKeyDer());
        out.writeLong(w.validTo().toEpochMilli());
    }

    static ImportState read(ByteBuffer in, List<SealGroup> groups, UUID id) {
        if (!flag(in)) {
            return null;
        }
        int model = in.get() & 0xFF;
        if (model > ExpirationModel.values().length) {
            throw new IllegalArgumentException("unknown expiration model " + model);
        }
        Instant validTo = optionalInstant(in.getLong());
        byte[] digest = null;
        if (flag(in)) {
            digest = new byte[ImportState.DIGEST_BYTES];
            in.get(digest);
        }
        ImportState.WrappingParameters wrapping = null;
        if (flag(in)) {
            WrappingAlgorithm algorithm = pick(WrappingAlgorithm.values(), in.get());
            KeySpec spec = pick(KeySpec.values(), in.get());
            int ref = groups == null ? IN_RECORD : in.get() & 0xFF;
            if (ref != IN_RECORD) {
                wrapping = readSealedWrapping(in, groups, ref, id, algorithm, spec);
                return new ImportState(model == 0 ? null : ExpirationModel.values()[model - 1], validTo, digest, wrapping);
            }
            byte[] pkcs8 = new byte[bound(in.getInt(), MAX_PRIVATE_KEY_BYTES, "wrapping key length")];
            try {
                in.get(pkcs8);
                byte[] x509 = readBlock(in, MAX_PUBLIC_KEY_BYTES, "wrapping public key length");
                Instant until = Instant.ofEpochMilli(in.getLong());
                wrapping = new ImportState.WrappingParameters(algorithm, spec, new SecretBytes(pkcs8, "PKCS#8"), x509, until);
            } finally {
                Arrays.fill(pkcs8, (byte) 0);
            }
        }
        return new ImportState(model == 0 ? null : ExpirationModel.values()[model - 1], validTo, digest, wrapping);
    }

    /** Version 6: import parameters whose private key is sealed in group {@code ref}. */
    private static ImportState.WrappingParameters readSealedWrapping(ByteBuffer in, List<SealGroup> groups, int ref, UUID id,
                                                                     WrappingAlgorithm algorithm, KeySpec spec) {
        if (ref >= groups.size()) {
            throw new IllegalArgumentException("the import parameters name seal group " + ref + " of " + groups.size());
        }
        SealGroup group = groups.get(ref);
        byte[] ct = readBlock(in, MAX_PRIVATE_KEY_BYTES + 16, "sealed wrapping key length");
        byte[] x509 = readBlock(in, MAX_PUBLIC_KEY_BYTES, "wrapping public key length");
        Instant until = Instant.ofEpochMilli(in.getLong());
        KeyVersion.Sealed sealed = new KeyVersion.Sealed(group, ct);
        if (!group.isOpen()) {
            return new ImportState.WrappingParameters(algorithm, spec, null, x509, until, sealed);
        }
        byte[] pkcs8 = group.decrypt(id, 0, IMPORT_PRIVATE_KEY, ct);
        try {
            return new ImportState.WrappingParameters(algorithm, spec, new SecretBytes(pkcs8, "PKCS#8"), x509, until, sealed);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
