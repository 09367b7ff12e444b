package io.kmsjca.internal.store;

import io.kmsjca.internal.crypto.KeyPairs;
import io.kmsjca.internal.model.AccessRules;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyPairMaterial;
import io.kmsjca.internal.model.Aliases;
import io.kmsjca.internal.model.ImportState;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;
import io.kmsjca.keys.VersionState;

import io.kmsjca.spi.KeyRecord;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.kmsjca.internal.store.RecordFields.bound;
import static io.kmsjca.internal.store.RecordFields.readBlock;
import static io.kmsjca.internal.store.RecordFields.writeBlock;
import static io.kmsjca.internal.store.RecordFields.writeSecretBlock;
import static io.kmsjca.internal.store.RecordFields.optionalInstant;
import static io.kmsjca.internal.store.RecordFields.pick;
import static io.kmsjca.internal.store.RecordFields.readString;
import static io.kmsjca.internal.store.RecordFields.writeString;

/**
 * The plaintext of a sealed key record (docs/FORMAT.md, "Key record payload"). Writes version 2
 * for a symmetric key with the default policy and no grants (so a store without policies stays
 * readable by the previous release), version 3 for a symmetric key with a policy or grants, and
 * version 4 for an asymmetric key (its key pair and certificate chain), version 5 for an HMAC key
 * or a key of imported material (version 4 with each version's secret material length-prefixed,
 * then the import side: {@link ImportStateCodec}), version 6 when some material is sealed to
 * principals; reads versions 1 to 6. The access rules of versions 3 and later are
 * {@link AccessRulesCodec}'s, the field encodings {@link RecordFields}'. Only ever read after the
 * record authenticated; every count and length is still bounded.
 */
public final class MasterKeyCodec {

    public static final int VERSION = 6;
    /** The version written when some version's material is sealed to principals (docs/FORMAT.md, "Sealing per principal"). */
    static final int VERSION_SEALED = 6;
    /**
     * The most seal groups of one record. A credential that holds a key seals all its versions in
     * one group; one that does not (an administrator rotating a key it may not use) adds a group
     * for the version it makes. Bounded so that a key at {@link #MAX_VERSIONS} with every field at
     * its cap and this many groups of {@link SealGroup#MAX_RECIPIENTS} still fits a record.
     */
    public static final int MAX_SEAL_GROUPS = 8;
    /** A version's material reference: kept in the record itself, not sealed. */
    static final int IN_RECORD = 0xFF;
    /** What sealed material is, in its AAD. */
    static final byte SECRET_MATERIAL = 1;
    static final byte PRIVATE_KEY = 2;
    /** The private key of a key's import parameters, sealed under nonce number 0 (no key version is 0). */
    static final byte IMPORT_PRIVATE_KEY = 3;
    /** The version written for an asymmetric key: its key pair and certificate chain. */
    static final int VERSION_WITH_PAIR = 4;
    /** The first version whose secret material (AES, HMAC) is length-prefixed per key version. */
    static final int VERSION_WITH_MATERIAL_LENGTH = 5;
    /** The version written for a symmetric key with a policy or grants. */
    static final int VERSION_WITH_ACCESS = 3;
    /** Bounds of an asymmetric version's material: PKCS#8 of RSA-4096 or ML-DSA-87 (with seed) fits with room. */
    public static final int MAX_PRIVATE_KEY_BYTES = KeyPairs.MAX_PRIVATE_KEY_BYTES;
    public static final int MAX_PUBLIC_KEY_BYTES = KeyPairs.MAX_PUBLIC_KEY_BYTES;
    /** The version written for a key with the default access rules: byte for byte what the previous release wrote. */
    static final int VERSION_WITHOUT_ACCESS = 2;
    public static final int MAX_DESCRIPTION_BYTES = 8192;
    public static final int MAX_ALIASES = 256;
    public static final int MAX_TAGS = 50;
    /** Tag lengths in characters, as AWS KMS counts them (UTF-16 units here). */
    public static final int MAX_TAG_KEY_CHARS = 128;
    public static final int MAX_TAG_VALUE_CHARS = 256;
    /** What those characters can take in UTF-8: at most 3 bytes per UTF-16 unit (a surrogate pair: 4 for 2). */
    private static final int UTF8_BYTES_PER_CHAR = 3;
    /**
     * The most versions a key may have. Chosen so that a key at this cap, with the longest
     * description and the most, longest aliases and tags, still seals into one record of at most
     * {@code KeyRecord.MAX_SEALED_BYTES} (about 720 KiB of 1 MiB): a rotation is refused here,
     * clearly, rather than by the record cap half-way through a write.
     */
    public static final int MAX_VERSIONS = 10_000;
    /** Bytes of one version in a version 2 payload. */
    static final int VERSION_BYTES = 4 + 8 + 1 + 1 + 1 + 8 + 8 + 32;
    /**
     * The read bound: as many versions as fit in a record. Higher than {@link #MAX_VERSIONS} so a
     * key rotated past it before the cap existed still opens (it can take no new version).
     */
    static final int MAX_VERSIONS_READ = KeyRecord.MAX_SEALED_BYTES / VERSION_BYTES;
    private static final byte[] NO_MATERIAL = new byte[32];

    private MasterKeyCodec() {
    }

    /**
     * To whom a key is sealed when written: its material, and the private key of its pending
     * import parameters. Each null keeps that secret in the record (a store without key pairs, or
     * a credential without one that may hold it); empty: no credential may hold it.
     */
    public record SealTo(List<SealGroup.Recipient> material, List<SealGroup.Recipient> importers) {
        /** Every secret kept in the record, as before sealing per principal. */
        public static final SealTo NOBODY_IN_PARTICULAR = new SealTo(null, null);
    }

    /** The payload with every material kept in the record (no sealing per principal); the caller wipes it. */
    public static byte[] encode(MasterKey key) {
        return encode(key, null);
    }

    /**
     * The payload; the caller wipes it after sealing (it holds material). With {@code recipients}
     * (null: keep material in the record) every version this process holds is sealed to them,
     * keeping the seal it already has when that seal is to exactly them; a version sealed to
     * others is written back as it was read.
     */
    public static byte[] encode(MasterKey key, List<SealGroup.Recipient> recipients) {
        return encode(key, new SealTo(recipients, recipients), Set.of());
    }

    /**
     * {@link #encode(MasterKey, List)}, sealing the import parameters' private key to
     * {@code sealTo.importers()}, and knowing which of its versions the store already holds
     * ({@code stored}, by number): when no credential may hold the key (no material recipient),
     * those are written back as they are (sealed to whom they were, or in the record), and a
     * version the store does not hold yet is refused, since it would be sealed to nobody.
     *
     * @throws IllegalArgumentException a new version with no recipient, or more seal groups than a record holds
     */
    public static byte[] encode(MasterKey key, SealTo sealTo, Set<Integer> stored) {
        Encoded encoded = encodeToWrite(key, sealTo, stored);
        encoded.whenWritten().run();
        return encoded.payload();
    }

    /**
     * A payload to write, and what its versions learn of their new seals once it is written
     * ({@code whenWritten}, run by the writer after the store took it): a write that fails leaves
     * them as the store still has them.
     */
    public record Encoded(byte[] payload, Runnable whenWritten) {
    }

    /** {@link #encode(MasterKey, SealTo, Set)}, for a writer that runs {@link Encoded#whenWritten} itself. */
    public static Encoded encodeToWrite(MasterKey key, SealTo sealTo, Set<Integer> stored) {
        SealPlan seals = SealPlan.plan(key, sealTo.material(), stored);
        seals.planImport(key.imports().map(ImportState::wrapping).orElse(null), sealTo.importers());
        var bytes = new ByteArrayOutputStream(160 + key.versions().size() * 64);
        int version = seals.groups.isEmpty() ? versionFor(key) : VERSION_SEALED;
        boolean sealedForm = version >= VERSION_SEALED;
        boolean pair = version >= VERSION_WITH_PAIR;
        boolean withAccess = version >= VERSION_WITH_ACCESS;

        boolean materialLength = version >= VERSION_WITH_MATERIAL_LENGTH;
        try (var out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            out.writeByte(key.state().ordinal());
            out.writeByte(key.manager().ordinal());
            out.writeByte(key.keySpec().ordinal());
            out.writeByte(key.keyUsage().ordinal());
            out.writeLong(key.created().toEpochMilli());
            out.writeLong(key.deletionDate().map(Instant::toEpochMilli).orElse(-1L));
            out.writeShort(key.rotationPeriodDays());
            out.writeInt(key.minDecryptionVersion());
            writeString(out, key.description());
            out.writeShort(key.aliases().size());
            for (String a : key.aliases()) {
                writeString(out, a);
            }
            out.writeShort(key.tags().size());
            for (Map.Entry<String, String> t : new java.util.TreeMap<>(key.tags()).entrySet()) { // canonical order
                writeString(out, t.getKey());
                writeString(out, t.getValue());
            }
            out.writeInt(key.versions().size());
            if (sealedForm) {
                out.writeByte(seals.groups.size());
                for (SealGroup g : seals.groups) {
                    g.write(out);
                }
            }
            for (int i = 0; i < key.versions().size(); i++) {
                KeyVersion v = key.versions().get(i);
                out.writeInt(v.number());
                out.writeLong(v.created().toEpochMilli());
                out.writeByte(v.origin().ordinal());
                out.writeByte(v.reason().ordinal());
                out.writeByte(v.state().ordinal());
                out.writeLong(v.stateDate() == null ? -1L : v.stateDate().toEpochMilli());
                out.writeLong(v.wrapsForRecord());
                if (sealedForm) {
                    out.writeByte(seals.refs[i]);
                }
                if (seals.refs[i] != IN_RECORD) {
                    byte[] ct = seals.ciphertexts[i];
                    if (key.isAsymmetric()) {
                        writeBlock(out, ct);
                        byte[] x509 = v.pair().publicKeyDer();
                        writeBlock(out, x509);
                    } else {
                        out.writeShort(ct.length);
                        out.write(ct);
                    }
                    continue;
                }
                if (key.isAsymmetric()) {
                    writeKeyPair(out, v.pair());
                    continue;
                }
                byte[] m = v.materialCopy();
                try {
                    if (materialLength) {
                        out.writeShort(m == null ? 0 : m.length);
                        if (m != null) {
                            out.write(m);
                        }
                    } else {
                        out.write(m == null ? NO_MATERIAL : m);
                    }
                } finally {
                    if (m != null) {
                        Arrays.fill(m, (byte) 0);
                    }
                }
            }
            if (withAccess) {
                AccessRulesCodec.write(out, key.access());
            }
            if (pair) {
                writeChain(out, key.certificateChain());
            }
            if (materialLength) {
                ImportStateCodec.write(out, key.imports().orElse(null), sealedForm ? seals : null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Encoded(bytes.toByteArray(), () -> seals.whenWritten.forEach(Runnable::run));
    }

    /**
     * The version a key is written in: the oldest that holds all it has, so a store that never
     * uses a newer feature stays readable by the release before it.
     */
    static int versionFor(MasterKey key) {
        if (key.isHmac() || key.isExternal()) {
            return VERSION_WITH_MATERIAL_LENGTH;
        }
        if (key.isAsymmetric() || !key.certificateChain().isEmpty()) {
            return VERSION_WITH_PAIR;
        }
        return key.access().equals(AccessRules.DEFAULT) ? VERSION_WITHOUT_ACCESS : VERSION_WITH_ACCESS;
    }

    /** Parses a payload as a process without a key pair does: material sealed to principals stays sealed. */
    public static MasterKey decode(UUID id, long revision, byte[] payload) {
        return decode(id, revision, payload, null);
    }

    /**
     * Parses a payload of version 1 to 6; {@code payload} is wiped before returning. Material
     * sealed to {@code me} (null: a credential without a key pair) is opened; material sealed to
     * others only is kept sealed ({@link KeyVersion#sealedAway}).
     */
    public static MasterKey decode(UUID id, long revision, byte[] payload, PrincipalKeyPair me) {
        try {
            ByteBuffer in = ByteBuffer.wrap(payload);
            int version = in.get() & 0xFF;
            if (version < 1 || version > VERSION) {
                throw new IllegalArgumentException("unsupported key record version " + version);
            }
            KeyState state = pick(KeyState.values(), in.get());
            KeyManagerType manager = pick(KeyManagerType.values(), in.get());
            KeySpec spec = KeySpec.SYMMETRIC_DEFAULT;
            KeyUsage usage = KeyUsage.ENCRYPT_DECRYPT;
            if (version >= 2) {
                KeySpec s = pick(KeySpec.values(), in.get());
                KeyUsage u = pick(KeyUsage.values(), in.get());
                if (version >= 4) { // before version 4 every key was SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT
                    spec = s;
                    usage = u;
                }
            }
            Instant created = Instant.ofEpochMilli(in.getLong());
            Instant deletion = optionalInstant(in.getLong());
            int rotationDays = version >= 2 ? in.getShort() & 0xFFFF : 0;
            int minDecryption = version >= 2 ? in.getInt() : 1;
            String description = readString(in, MAX_DESCRIPTION_BYTES);
            int aliasCount = bound(in.getShort() & 0xFFFF, MAX_ALIASES, "alias count");
            List<String> aliases = new ArrayList<>(aliasCount);
            for (int i = 0; i < aliasCount; i++) {
                aliases.add(Aliases.stored(readString(in, Aliases.MAX_LENGTH)));
            }
            Map<String, String> tags = new LinkedHashMap<>();
            int tagCount = version >= 2 ? bound(in.getShort() & 0xFFFF, MAX_TAGS, "tag count") : 0;
            for (int i = 0; i < tagCount; i++) {
                tags.put(readString(in, MAX_TAG_KEY_CHARS * UTF8_BYTES_PER_CHAR),
                        readString(in, MAX_TAG_VALUE_CHARS * UTF8_BYTES_PER_CHAR));
            }
            int versionCount = bound(in.getInt(), MAX_VERSIONS_READ, "version count");
            List<SealGroup> groups = new ArrayList<>();
            if (version >= VERSION_SEALED) {
                int groupCount = bound(in.get() & 0xFF, MAX_SEAL_GROUPS, "seal group count");
                for (int g = 0; g < groupCount; g++) {
                    groups.add(SealGroup.read(in).openedBy(id, me));
                }
            }
            List<KeyVersion> versions = new ArrayList<>(versionCount);
            if (version < VERSION_WITH_MATERIAL_LENGTH && spec.family() == KeySpec.Family.HMAC) {
                throw new IllegalArgumentException("an HMAC key's record must be version 5 or later, was " + version);
            }
            byte[] material = new byte[KeyVersion.AES_MATERIAL_BYTES];
            try {
                for (int i = 0; i < versionCount; i++) {
                    if (version >= VERSION_SEALED) {
                        versions.add(readSealedFormVersion(in, id, spec, groups));
                        continue;
                    }
                    versions.add(spec.isAsymmetric() ? readPairVersion(in, spec)
                            : version >= VERSION_WITH_MATERIAL_LENGTH ? readSecretVersion(in, spec)
                            : version >= 2 ? readVersion(in, material) : readVersionV1(in, material));
                }
            } finally {
                Arrays.fill(material, (byte) 0);
            }
            AccessRules access = version >= VERSION_WITH_ACCESS ? AccessRulesCodec.read(in, id) : AccessRules.DEFAULT;
            CertificateChain chain = version >= VERSION_WITH_PAIR ? readChain(in) : CertificateChain.EMPTY;
            ImportState imports = version >= VERSION_WITH_MATERIAL_LENGTH
                    ? ImportStateCodec.read(in, version >= VERSION_SEALED ? groups : null, id) : null;
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("key record has trailing bytes");
            }
            return new MasterKey(id, revision, description, state, manager, created, deletion, aliases, tags,
                    rotationDays, minDecryption, versions, access, spec, usage, chain, imports);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("key record is truncated", e);
        } finally {
            Arrays.fill(payload, (byte) 0);
        }
    }

    /**
     * Version 6, a version: its fields as in version 5, with a reference byte before the material:
     * {@link #IN_RECORD} then the material as in version 5, or a seal group's index then the
     * ciphertext of the material (AES, HMAC: u16 length; a key pair's PKCS#8: u32 length, then
     * the X.509 public key in the clear, u32 length).
     */
    private static KeyVersion readSealedFormVersion(ByteBuffer in, UUID id, KeySpec spec, List<SealGroup> groups) {
        VersionHead head = VersionHead.read(in);
        int ref = in.get() & 0xFF;
        if (ref == IN_RECORD) {
            return spec.isAsymmetric() ? readPairMaterial(in, spec, head) : readSecretMaterial(in, spec, head);
        }
        if (head.state != VersionState.ACTIVE) {
            throw new IllegalArgumentException("an ended key version holds no sealed material");
        }
        if (ref >= groups.size()) {
            throw new IllegalArgumentException("key version " + head.number + " names seal group " + ref + " of "
                    + groups.size());
        }
        SealGroup group = groups.get(ref);
        byte[] ct;
        byte[] x509 = null;
        if (spec.isAsymmetric()) {
            ct = readBlock(in, MAX_PRIVATE_KEY_BYTES + 16, "sealed private key length");
            x509 = readBlock(in, MAX_PUBLIC_KEY_BYTES, "public key length");
        } else {
            ct = new byte[bound(in.getShort() & 0xFFFF, KeyVersion.MAX_HMAC_MATERIAL_BYTES + 16, "sealed material length")];
            in.get(ct);
        }
        KeyVersion.Sealed sealed = new KeyVersion.Sealed(group, ct);
        try {
            if (!group.isOpen()) {
                KeyPairMaterial publicHalf = x509 == null ? null : KeyPairMaterial.publicOnly(spec, x509);
                return KeyVersion.sealedAway(head.number, head.created, head.origin, head.reason,
                        spec.family() == KeySpec.Family.HMAC, publicHalf, head.uses, sealed);
            }
            byte[] m = group.decrypt(id, head.number, spec.isAsymmetric() ? PRIVATE_KEY : SECRET_MATERIAL, ct);
            try {
                KeyVersion v = spec.isAsymmetric()
                        ? new KeyVersion(head.number, head.created, head.origin, head.reason,
                                KeyPairMaterial.decode(spec, m, x509), head.uses)
                        : new KeyVersion(head.number, head.created, head.origin, head.reason, spec, m, head.uses);
                v.sealedAs(sealed);
                return v;
            } finally {
                Arrays.fill(m, (byte) 0);
            }
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("the key pair of a " + spec + " key does not decode: " + e.getMessage(), e);
        }
    }

    /** The fields every version of payload versions 2 to 6 begins with. */
    private record VersionHead(int number, Instant created, KeyOrigin origin, RotationReason reason, VersionState state,
                               Instant stateDate, long uses) {
        static VersionHead read(ByteBuffer in) {
            return new VersionHead(in.getInt(), Instant.ofEpochMilli(in.getLong()), pick(KeyOrigin.values(), in.get()),
                    pick(RotationReason.values(), in.get()), pick(VersionState.values(), in.get()),
                    optionalInstant(in.getLong()), in.getLong());
        }
    }

    /** Version 4, an asymmetric version's material: PKCS#8 and X.509 DER, each length-prefixed (0: none). */
    private static void writeKeyPair(DataOutputStream out, KeyPairMaterial pair) throws IOException {
        if (pair == null) {
            out.writeInt(0);
            out.writeInt(0);
            return;
        }
        writeSecretBlock(out, pair.pkcs8Copy());
        writeBlock(out, pair.publicKeyDer());
    }

    private static KeyVersion readPairVersion(ByteBuffer in, KeySpec spec) {
        return readPairMaterial(in, spec, VersionHead.read(in));
    }

    private static KeyVersion readPairMaterial(ByteBuffer in, KeySpec spec, VersionHead head) {
        byte[] pkcs8 = new byte[bound(in.getInt(), MAX_PRIVATE_KEY_BYTES, "private key length")];
        try {
            in.get(pkcs8);
            byte[] x509 = readBlock(in, MAX_PUBLIC_KEY_BYTES, "public key length");
            if (head.state != VersionState.ACTIVE) {
                if (pkcs8.length != 0 || x509.length != 0) {
                    throw new IllegalArgumentException("an ended key version holds no key pair");
                }
                return KeyVersion.withoutMaterial(head.number, head.created, head.origin, head.reason, head.state,
                        head.stateDate, head.uses);
            }
            try {
                return new KeyVersion(head.number, head.created, head.origin, head.reason,
                        KeyPairMaterial.decode(spec, pkcs8, x509), head.uses);
            } catch (InvalidKeyException e) {
                throw new IllegalArgumentException("the key pair of a " + spec + " key does not decode: " + e.getMessage(), e);
            }
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** Version 4: the certificate chain, leaf first: a count, then each certificate's DER, length-prefixed. */
    private static void writeChain(DataOutputStream out, CertificateChain chain) throws IOException {
        out.writeByte(chain.size());
        for (int i = 0; i < chain.size(); i++) {
            byte[] der = chain.der(i);
            writeBlock(out, der);
        }
    }

    private static CertificateChain readChain(ByteBuffer in) {
        int count = bound(in.get() & 0xFF, CertificateChain.MAX_CERTIFICATES, "certificate count");
        List<byte[]> der = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] c = readBlock(in, CertificateChain.MAX_CERTIFICATE_BYTES, "certificate length");
            der.add(c);
        }
        return CertificateChain.decode(der);
    }

    /**
     * Version 5, a version of an AES or HMAC key: its material length-prefixed (u16): 0 for an
     * ended version, 32 for AES, what the HMAC spec allows ({@link KeyVersion#checkHmacLength}).
     */
    private static KeyVersion readSecretVersion(ByteBuffer in, KeySpec spec) {
        return readSecretMaterial(in, spec, VersionHead.read(in));
    }

    private static KeyVersion readSecretMaterial(ByteBuffer in, KeySpec spec, VersionHead head) {
        int length = bound(in.getShort() & 0xFFFF, KeyVersion.MAX_HMAC_MATERIAL_BYTES, "key material length");
        if (head.state != VersionState.ACTIVE) {
            if (length != 0) {
                throw new IllegalArgumentException("an ended key version holds no material");
            }
            return KeyVersion.withoutMaterial(head.number, head.created, head.origin, head.reason, head.state,
                    head.stateDate, head.uses);
        }
        byte[] material = new byte[length];
        try {
            in.get(material);
            return new KeyVersion(head.number, head.created, head.origin, head.reason, spec, material, head.uses);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    private static KeyVersion readVersion(ByteBuffer in, byte[] material) {
        int number = in.getInt();
        Instant created = Instant.ofEpochMilli(in.getLong());
        KeyOrigin origin = pick(KeyOrigin.values(), in.get());
        RotationReason reason = pick(RotationReason.values(), in.get());
        VersionState state = pick(VersionState.values(), in.get());
        Instant stateDate = optionalInstant(in.getLong());
        long wraps = in.getLong();
        in.get(material);
        return state == VersionState.ACTIVE ? new KeyVersion(number, created, origin, reason, material, wraps)
                : KeyVersion.withoutMaterial(number, created, origin, reason, state, stateDate, wraps);
    }

    /** Version 1 payloads: number, created, origin, material; every version active. */
    private static KeyVersion readVersionV1(ByteBuffer in, byte[] material) {
        int number = in.getInt();
        Instant created = Instant.ofEpochMilli(in.getLong());
        KeyOrigin origin = pick(KeyOrigin.values(), in.get());
        in.get(material);
        RotationReason reason = number > 1 || origin == KeyOrigin.IMPORTED
                ? (origin == KeyOrigin.IMPORTED ? RotationReason.IMPORTED : RotationReason.ON_DEMAND) : RotationReason.CREATED;
        return new KeyVersion(number, created, origin, reason, material, 0);
    }
}
