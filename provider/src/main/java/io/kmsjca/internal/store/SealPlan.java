package io.kmsjca.internal.store;

import io.kmsjca.internal.model.ImportState;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.VersionState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Where each secret of a key goes in a payload of version 6 (docs/FORMAT.md, "Sealing per
 * principal"), decided before it is written: each version's material and the import parameters'
 * private key stay in the record ({@link MasterKeyCodec#IN_RECORD}), or go to a seal group: its
 * index and the ciphertext under the group's content key.
 */
final class SealPlan {
    final List<SealGroup> groups = new ArrayList<>();
    final int[] refs;
    final byte[][] ciphertexts;

    private final MasterKey key;
    /** What the versions remember of their new seals, once the record holding them is written. */
    final List<Runnable> whenWritten = new ArrayList<>();
    /** Where the import parameters' private key goes: {@link MasterKeyCodec#IN_RECORD}, or a group and its ciphertext. */
    int importRef = MasterKeyCodec.IN_RECORD;
    byte[] importCiphertext;

    private SealPlan(MasterKey key, int versions) {
        this.key = key;
        refs = new int[versions];
        ciphertexts = new byte[versions][];
        Arrays.fill(refs, MasterKeyCodec.IN_RECORD);
    }

    /**
     * Every version this process holds goes into one group sealed to {@code recipients}: the
     * first such group it already has, else a new one; versions sealed to others stay as read.
     */
    static SealPlan plan(MasterKey key, List<SealGroup.Recipient> recipients, Set<Integer> stored) {
        List<KeyVersion> versions = key.versions();
        SealPlan seals = new SealPlan(key, versions.size());
        if (recipients != null && recipients.isEmpty()) {
            return seals.keptAsStored(stored);
        }
        SealGroup target = recipients == null ? null : reusableGroup(versions, recipients);
        for (int i = 0; i < versions.size(); i++) {
            KeyVersion v = versions.get(i);
            KeyVersion.Sealed was = v.sealed();
            if (v.state() != VersionState.ACTIVE) {
                continue;
            }
            if (v.isSealedAway()) {
                seals.put(i, was.group(), was.ciphertext());
                continue;
            }
            if (recipients == null) {
                continue;
            }
            if (was != null && was.group().sameSeal(target)) {
                seals.put(i, target, was.ciphertext());
                continue;
            }
            if (target == null) {
                target = SealGroup.create(key.id(), recipients);
            }
            byte kind = key.isAsymmetric() ? MasterKeyCodec.PRIVATE_KEY : MasterKeyCodec.SECRET_MATERIAL;
            byte[] m = key.isAsymmetric() ? v.pair().pkcs8Copy() : v.materialCopy();
            try {
                byte[] ct = target.encrypt(key.id(), v.number(), kind, m);
                KeyVersion.Sealed sealed = new KeyVersion.Sealed(target, ct);
                seals.whenWritten.add(() -> v.sealedAs(sealed)); // only once the record holds it
                seals.put(i, target, ct);
            } finally {
                Arrays.fill(m, (byte) 0);
            }
        }
        return seals;
    }

    /**
     * No credential may hold the key: its versions stay as the store has them (sealed to
     * whom they were, or in the record), so nothing is lost; a new one has nowhere to go.
     */
    private SealPlan keptAsStored(Set<Integer> stored) {
        List<KeyVersion> versions = key.versions();
        for (int i = 0; i < versions.size(); i++) {
            KeyVersion v = versions.get(i);
            if (v.state() != VersionState.ACTIVE) {
                continue;
            }
            if (!stored.contains(v.number())) {
                throw new IllegalArgumentException("its new version " + v.number() + " would be sealed to no"
                        + " credential: no credential of this store may use key " + key.id() + " under its key"
                        + " policy, the store policy and its grants (create the credential of a principal that"
                        + " may use it first)");
            }
            if (v.sealed() != null) {
                put(i, v.sealed().group(), v.sealed().ciphertext());
            }
        }
        return this;
    }

    /**
     * The import parameters' private key: sealed to {@code importers} (keeping its seal when it
     * is to exactly them), written back as read when this process holds no seal of it or
     * nobody may import, kept in the record when {@code importers} is null.
     */
    void planImport(ImportState.WrappingParameters w, List<SealGroup.Recipient> importers) {
        if (w == null) {
            return;
        }
        KeyVersion.Sealed was = w.sealed();
        if (w.isSealedAway() || importers != null && importers.isEmpty()) {
            if (was != null) {
                importRef = put(-1, was.group(), was.ciphertext());
                importCiphertext = was.ciphertext();
            }
            return;
        }
        if (importers == null) {
            return;
        }
        SealGroup group = was != null && was.group().isOpen() && was.group().sealsExactly(importers)
                ? was.group() : SealGroup.create(key.id(), importers);
        byte[] pkcs8 = w.privateKey().getEncoded();
        try {
            importCiphertext = group.encrypt(key.id(), 0, MasterKeyCodec.IMPORT_PRIVATE_KEY, pkcs8);
            importRef = put(-1, group, importCiphertext);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The first group a held version is in that this process can open and that is sealed to exactly {@code to}. */
    private static SealGroup reusableGroup(List<KeyVersion> versions, List<SealGroup.Recipient> to) {
        for (KeyVersion v : versions) {
            KeyVersion.Sealed was = v.sealed();
            if (v.state() == VersionState.ACTIVE && !v.isSealedAway() && was != null && was.group().isOpen()
                    && was.group().sealsExactly(to)) {
                return was.group();
            }
        }
        return null;
    }

    /** Records {@code version}'s group and ciphertext (-1: not a version) and returns the group's index. */
    private int put(int version, SealGroup group, byte[] ciphertext) {
        int index = -1;
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).sameSeal(group)) {
                index = g;
            }
        }
        if (index < 0) {
            if (groups.size() == MasterKeyCodec.MAX_SEAL_GROUPS) {
                throw new IllegalArgumentException("key " + key.id() + " has versions sealed in " + MasterKeyCodec.MAX_SEAL_GROUPS
                        + " groups, the most a record holds: reseal it with a credential that may use it"
                        + " (kms reseal-keys), which seals every version in one, before changing it again");
            }
            groups.add(group);
            index = groups.size() - 1;
        }
        if (version >= 0) {
            refs[version] = index;
            ciphertexts[version] = ciphertext;
        }
        return index;
    }
}
