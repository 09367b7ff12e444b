package io.kmsjca.internal.service;

import io.kmsjca.internal.crypto.AesGcm;
import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.format.KeySlot;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.AccessKeyInfo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How an access key is kept in the store (docs/FORMAT.md, "Access keys"): in a provider-owned key
 * of purpose {@code access-key-slot/N} (N from 0 to {@link AccessKeys#MAX_ACCESS_KEYS} - 1), as
 * tags of that key, whose record is sealed under the root key like every key record. A slot holds
 * one access key or none: deleting one clears its tags, and the next access key reuses the slot,
 * so the store never holds more than that many such records (keys are never removed from a store).
 *
 * <p>Tags: {@code kms:access-key/id}, {@code kms:access-key/principal},
 * {@code kms:access-key/administrator} ({@code true} or {@code false}),
 * {@code kms:access-key/created} (epoch milliseconds) and {@code kms:access-key/secret}: base64 of
 * nonce (12) | AES-256-GCM ciphertext of the 30 secret bytes | tag (16), under a key derived with
 * HKDF-SHA256 from the slot key's material (info {@code kms-jca/access-key/v1/secret}), the id,
 * principal, flag and date as AAD. So the secret is sealed twice on disk, and in memory the key's
 * tags hold only its ciphertext: the clear secret lives in a {@link SecretBytes} that is wiped
 * when the access key is deleted or the service closes.
 */
final class AccessKeyRecord {

    static final String SLOT_PURPOSE = "access-key-slot/";
    static final String ID_TAG = "kms:access-key/id";
    static final String PRINCIPAL_TAG = "kms:access-key/principal";
    static final String ADMINISTRATOR_TAG = "kms:access-key/administrator";
    static final String CREATED_TAG = "kms:access-key/created";
    static final String SECRET_TAG = "kms:access-key/secret";

    /** Bytes of randomness in a secret: 40 characters of base64, as AWS's secret access keys. */
    static final int SECRET_BYTES = 30;
    static final int SECRET_CHARS = 40;
    /** {@code KMSA} and 16 characters of base32 (80 random bits), 20 in all as AWS's access key ids. */
    static final Pattern ID = Pattern.compile("KMSA[A-Z2-7]{16}");
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final byte[] SEAL_INFO = "kms-jca/access-key/v1/secret".getBytes(StandardCharsets.US_ASCII);
    private static final int SEALED_BYTES = AesGcm.NONCE_BYTES + SECRET_BYTES + AesGcm.TAG_BYTES;

    private AccessKeyRecord() {
    }

    /** A new access key id: {@code KMSA} and 16 base32 characters from 10 random bytes. */
    static String newId() {
        byte[] random = new byte[10];
        KmsRandom.nextBytes(random);
        StringBuilder id = new StringBuilder(20).append("KMSA");
        long bits = 0;
        int held = 0;
        for (byte b : random) {
            bits = bits << 8 | (b & 0xFF);
            held += 8;
            while (held >= 5) {
                held -= 5;
                id.append(BASE32[(int) (bits >>> held) & 31]);
            }
        }
        return id.toString();
    }

    /** The slot number of a provider-owned key that keeps access keys, or -1 for any other key. */
    static int slotOf(MasterKey key) {
        String purpose = key.tags().get(OwnedKeys.PURPOSE_TAG);
        if (purpose == null || !purpose.startsWith(SLOT_PURPOSE)
                || key.manager() != io.kmsjca.keys.KeyManagerType.PROVIDER_OWNED) {
            return -1;
        }
        try {
            int n = Integer.parseInt(purpose.substring(SLOT_PURPOSE.length()));
            return n >= 0 && n < AccessKeys.MAX_ACCESS_KEYS && key.id().equals(slotId(n)) ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static UUID slotId(int n) {
        return SLOT_IDS[n];
    }

    /** Every slot's id, derived once: scans of the snapshot check each provider-owned key against it. */
    private static final UUID[] SLOT_IDS = new UUID[AccessKeys.MAX_ACCESS_KEYS];

    static {
        for (int n = 0; n < SLOT_IDS.length; n++) {
            SLOT_IDS[n] = OwnedKeys.id(SLOT_PURPOSE + n);
        }
    }

    /** The id of the access key a slot holds, or null when it is free. */
    static String idIn(MasterKey slot) {
        return slot.tags().get(ID_TAG);
    }

    /** The access key a slot holds, or null when it is free (or holds what this code cannot read). */
    static AccessKeyInfo info(MasterKey slot) {
        Map<String, String> tags = slot.tags();
        String id = tags.get(ID_TAG);
        String principal = tags.get(PRINCIPAL_TAG);
        String admin = tags.get(ADMINISTRATOR_TAG);
        String created = tags.get(CREATED_TAG);
        if (id == null || !ID.matcher(id).matches() || principal == null
                || !("true".equals(admin) || "false".equals(admin)) || created == null || !created.matches("\\d{1,15}")) {
            return null; // sealed, so kms-jca wrote it: what it cannot read is a later version's
        }
        try {
            KeySlot.checkPrincipal(principal);
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new AccessKeyInfo(id, principal, Boolean.parseBoolean(admin), Instant.ofEpochMilli(Long.parseLong(created)));
    }

    /** {@code slot}'s tags holding {@code info} and its sealed {@code secret} (30 bytes). */
    static Map<String, String> holding(MasterKey slot, AccessKeyInfo info, byte[] secret) throws GeneralSecurityException {
        Map<String, String> tags = new TreeMap<>(free(slot));
        tags.put(ID_TAG, info.accessKeyId());
        tags.put(PRINCIPAL_TAG, info.principal());
        tags.put(ADMINISTRATOR_TAG, Boolean.toString(info.administrator()));
        tags.put(CREATED_TAG, Long.toString(info.created().toEpochMilli()));
        SecretBytes key = sealingKey(slot);
        try {
            byte[] nonce = new byte[AesGcm.NONCE_BYTES];
            KmsRandom.nextBytes(nonce);
            byte[] sealed = AesGcm.encrypt(key, nonce, aad(info), secret);
            byte[] all = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, all, 0, nonce.length);
            System.arraycopy(sealed, 0, all, nonce.length, sealed.length);
            tags.put(SECRET_TAG, Base64.getEncoder().encodeToString(all));
        } finally {
            key.destroy();
        }
        return tags;
    }

    /** {@code slot}'s tags with no access key: its purpose alone. */
    static Map<String, String> free(MasterKey slot) {
        return Map.of(OwnedKeys.PURPOSE_TAG, slot.tags().get(OwnedKeys.PURPOSE_TAG));
    }

    /**
     * The secret access key of the key {@code slot} holds, as the 40 ASCII bytes SigV4 signs with;
     * the caller wipes them.
     *
     * @throws GeneralSecurityException the sealed secret does not open (a record changed outside kms-jca)
     */
    static byte[] secretText(MasterKey slot, AccessKeyInfo info) throws GeneralSecurityException {
        String sealed = slot.tags().get(SECRET_TAG);
        if (sealed == null || sealed.length() != (SEALED_BYTES + 2) / 3 * 4) {
            throw new GeneralSecurityException("access key " + info.accessKeyId() + " has no readable secret");
        }
        byte[] secret;
        SecretBytes key = sealingKey(slot);
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed);
            if (!Base64.getEncoder().encodeToString(bytes).equals(sealed)) { // the one encoding: no stray trailing bits
                throw new GeneralSecurityException("access key " + info.accessKeyId() + " has no readable secret");
            }
            secret = AesGcm.open(key, aad(info), bytes);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("access key " + info.accessKeyId() + " has no readable secret", e);
        } finally {
            key.destroy();
        }
        try {
            return text(secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The secret access key's text: base64 of the 30 secret bytes, 40 ASCII bytes. */
    static byte[] text(byte[] secret) {
        return Base64.getEncoder().encode(secret);
    }

    private static SecretBytes sealingKey(MasterKey slot) throws GeneralSecurityException {
        byte[] material = slot.current().materialCopy();
        if (material == null) {
            throw new GeneralSecurityException("access-key slot " + slot.id() + " has no material");
        }
        byte[] derived = null;
        try {
            derived = Hkdf.derive("HmacSHA256", new byte[32], material, SEAL_INFO, AesGcm.KEY_BYTES);
            return new SecretBytes(derived, "AES");
        } finally {
            Arrays.fill(material, (byte) 0);
            if (derived != null) {
                Arrays.fill(derived, (byte) 0);
            }
        }
    }

    private static byte[] aad(AccessKeyInfo info) {
        return ("kms-jca access key\n" + info.accessKeyId() + "\n" + info.principal() + "\n" + info.administrator()
                + "\n" + info.created().toEpochMilli()).getBytes(StandardCharsets.UTF_8);
    }
}
