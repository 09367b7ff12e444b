package io.kmsjca.internal.service;

import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.format.KeySlots;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.internal.store.SealGroup;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeySpec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * To whom a key's material (and the private key of its pending import parameters) is sealed (docs/authorization.md, "Sealing per principal"): each
 * credential whose principal the key policy, the store policy or a grant could ever allow an
 * operation that needs the material, as if every condition held; every credential that acts for
 * others (it makes requests for any principal); for a provider-owned key, the administrators
 * (and for the audit key, every credential: each process writes its own audit trail). When one
 * of them has no key pair (a credential made before sealing per principal), material stays in
 * the record, readable by every credential, as before. The private key of a key's
 * import parameters is sealed to the credentials that may import into it
 * ({@code kms:ImportKeyMaterial}), and those that act for others.
 */
final class SealRecipients {

    /** Operations that use an AES key's material. */
    private static final List<String> AES_USE = List.of("kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom",
            "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPair",
            "kms:GenerateDataKeyPairWithoutPlaintext");
    /** Operations that use an HMAC key's material. */
    private static final List<String> HMAC_USE = List.of("kms:GenerateMac", "kms:VerifyMac");
    /** Operations that use a private key (encrypting and verifying use the public key, kept in the clear). */
    private static final List<String> PRIVATE_USE = List.of("kms:Decrypt", "kms:ReEncryptFrom", "kms:Sign",
            "kms:DeriveSharedSecret");

    private final KeyAccess access;

    SealRecipients(KeyAccess access) {
        this.access = access;
    }

    /**
     * The recipients of {@code key}'s material, or null to keep it in the record: the store has
     * no header (a memory store), or a credential that may hold it has no key pair. Empty when no
     * credential may hold it.
     */
    MasterKeyCodec.SealTo of(MasterKey key, Optional<byte[]> header) throws IOException {
        if (header.isEmpty()) {
            return MasterKeyCodec.SealTo.NOBODY_IN_PARTICULAR;
        }
        KeySlots slots;
        try {
            slots = KeySlots.decode(header.get());
        } catch (IllegalArgumentException e) {
            throw new IOException("the store header is invalid: " + e.getMessage(), e);
        }
        if (slots.slots().stream().noneMatch(KeySlot::holdsKeyPair)) {
            return MasterKeyCodec.SealTo.NOBODY_IN_PARTICULAR; // a store made before sealing per principal, as it was
        }
        return new MasterKeyCodec.SealTo(recipients(slots, slot -> mayHold(slot, key)),
                recipients(slots, slot -> slot.actsForOthers() || mayUse(slot, "kms:ImportKeyMaterial", key)));
    }

    /** The slots {@code chosen} picks, or null when one of them has no key pair (the material stays in the record). */
    private static List<SealGroup.Recipient> recipients(KeySlots slots, java.util.function.Predicate<KeySlot> chosen) {
        List<SealGroup.Recipient> to = new ArrayList<>();
        for (KeySlot slot : slots.slots()) {
            if (chosen.test(slot)) {
                if (!slot.holdsKeyPair()) {
                    return null;
                }
                to.add(new SealGroup.Recipient(slot.principal(), slot.publicKey()));
            }
        }
        return to;
    }

    private boolean mayHold(KeySlot slot, MasterKey key) {
        if (slot.actsForOthers()) {
            return true;
        }
        if (key.manager() == KeyManagerType.PROVIDER_OWNED) {
            return slot.administrator() || AuditKeys.PURPOSE.equals(key.tags().get(OwnedKeys.PURPOSE_TAG));
        }
        for (String action : uses(key.keySpec())) {
            if (mayUse(slot, action, key)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> uses(KeySpec spec) {
        if (spec.isAsymmetric()) {
            return PRIVATE_USE;
        }
        return spec.family() == KeySpec.Family.HMAC ? HMAC_USE : AES_USE;
    }

    private boolean mayUse(KeySlot slot, String action, MasterKey key) {
        return access.mayEverAllow(slot.principal(), slot.administrator(), action, key);
    }
}
