package io.kmsjca.internal.store;

import io.kmsjca.internal.crypto.AesGcm;
import io.kmsjca.internal.crypto.Hkdf;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.format.KeySlot;

import javax.crypto.AEADBadTagException;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Key versions sealed to a set of principals (docs/FORMAT.md, "Sealing per principal"): a
 * random content key encrypts each version's material, and is wrapped for each recipient under
 * X25519 between a fresh ephemeral key and the recipient's public key. Only a recipient's own
 * credential unwraps its private key, so only recipients can read the material, whatever else of
 * the store they read. Immutable; {@link #contentKey} is null in a process that holds no seal.
 */
public final class SealGroup {

    /** A principal that may hold a key's material, and its public key (from its credential slot). */
    public record Recipient(String principal, byte[] publicKey) {
        public Recipient {
            KeySlot.checkPrincipal(principal);
            if (publicKey.length != PrincipalKeyPair.KEY_BYTES) {
                throw new IllegalArgumentException("a recipient's public key is 32 bytes");
            }
            publicKey = publicKey.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey.clone();
        }

        boolean sameAs(Recipient other) {
            return principal.equals(other.principal) && Arrays.equals(publicKey, other.publicKey);
        }
    }

    /** The most recipients of a group: every credential a store may have. */
    public static final int MAX_RECIPIENTS = 32;
    private static final int WRAPPED_BYTES = 32 + AesGcm.TAG_BYTES;
    private static final byte[] KEK_LABEL = "kms-jca/v1/seal-kek".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MATERIAL_LABEL = "kms-jca/v1/sealed-material".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ZERO_NONCE = new byte[AesGcm.NONCE_BYTES];

    private final byte[] ephemeralPublic;
    private final List<Recipient> recipients;
    private final List<byte[]> wrapped;
    private final SecretBytes contentKey;

    private SealGroup(byte[] ephemeralPublic, List<Recipient> recipients, List<byte[]> wrapped, SecretBytes contentKey) {
        this.ephemeralPublic = ephemeralPublic;
        this.recipients = List.copyOf(recipients);
        this.wrapped = List.copyOf(wrapped);
        this.contentKey = contentKey;
    }

    /**
     * A new group of key {@code keyId} sealed to {@code to} (1 … {@value #MAX_RECIPIENTS}), with a
     * fresh content key and ephemeral key from the provider's generator.
     */
    public static SealGroup create(UUID keyId, List<Recipient> to) {
        if (to.isEmpty() || to.size() > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("a seal has 1 to " + MAX_RECIPIENTS + " recipients");
        }
        PrincipalKeyPair ephemeral = PrincipalKeyPair.generate();
        byte[] ck = new byte[32];
        KmsRandom.nextBytes(ck);
        try {
            byte[] e = ephemeral.publicKey();
            List<byte[]> wraps = new ArrayList<>(to.size());
            for (Recipient r : to) {
                byte[] shared = ephemeral.agree(r.publicKey);
                if (shared == null) {
                    throw new IllegalArgumentException("principal '" + r.principal + "' has an invalid public key");
                }
                SecretBytes kek = kek(shared, e, r, keyId);
                try {
                    wraps.add(AesGcm.encrypt(kek, ZERO_NONCE, new byte[0], ck));
                } finally {
                    kek.destroy();
                }
            }
            return new SealGroup(e, to, wraps, new SecretBytes(ck, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed", e);
        } finally {
            Arrays.fill(ck, (byte) 0);
            ephemeral.destroy();
        }
    }

    /** {@code KEK = HKDF-SHA256(salt = E || recipient public key, IKM = X25519, info = label || key id || principal)}. */
    private static SecretBytes kek(byte[] shared, byte[] e, Recipient r, UUID keyId) {
        byte[] name = r.principal.getBytes(StandardCharsets.UTF_8);
        byte[] info = ByteBuffer.allocate(KEK_LABEL.length + 16 + 2 + name.length).put(KEK_LABEL)
                .putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits())
                .putShort((short) name.length).put(name).array();
        byte[] salt = ByteBuffer.allocate(64).put(e).put(r.publicKey).array();
        try {
            byte[] k = Hkdf.derive("HmacSHA256", salt, shared, info, 32);
            try {
                return new SecretBytes(k, "AES");
            } finally {
                Arrays.fill(k, (byte) 0);
            }
        } catch (InvalidKeyException ex) {
            throw new IllegalStateException("HmacSHA256 failed", ex);
        } finally {
            Arrays.fill(shared, (byte) 0);
        }
    }

    /**
     * This group as {@code me} holds it: with its content key when {@code me} is a recipient, else
     * this very group (null {@code me}: a credential without a key pair).
     *
     * @throws IllegalArgumentException the wrap for {@code me} does not open (an altered record)
     */
    public SealGroup openedBy(UUID keyId, PrincipalKeyPair me) {
        if (me == null || contentKey != null) {
            return this;
        }
        for (int i = 0; i < recipients.size(); i++) {
            Recipient r = recipients.get(i);
            if (!me.hasPublicKey(r.publicKey)) {
                continue;
            }
            byte[] shared = me.agree(ephemeralPublic);
            if (shared == null) {
                throw new IllegalArgumentException("a seal's ephemeral key is a low-order point");
            }
            SecretBytes kek = kek(shared, ephemeralPublic, r, keyId);
            byte[] ck = null;
            try {
                ck = AesGcm.decrypt(kek, ZERO_NONCE, new byte[0], wrapped.get(i));
                return new SealGroup(ephemeralPublic, recipients, wrapped, new SecretBytes(ck, "AES"));
            } catch (AEADBadTagException ex) {
                throw new IllegalArgumentException("the seal for principal '" + r.principal + "' does not open", ex);
            } catch (GeneralSecurityException ex) {
                throw new IllegalStateException("AES-256-GCM failed", ex);
            } finally {
                kek.destroy();
                if (ck != null) {
                    Arrays.fill(ck, (byte) 0);
                }
            }
        }
        return this;
    }

    /** Wipes the content key (the versions sealed under it are wiped, or the service is closing). */
    public void destroy() {
        if (contentKey != null) {
            contentKey.destroy();
        }
    }

    /** Whether this process holds the content key (its credential is a recipient). */
    public boolean isOpen() {
        return contentKey != null && !contentKey.isDestroyed();
    }

    /** The recipients' principals, in the group's order. */
    public List<String> principals() {
        return recipients.stream().map(Recipient::principal).toList();
    }

    /** Whether {@code principal} with {@code publicKey} is among this group's recipients. */
    public boolean sealedTo(String principal, byte[] publicKey) {
        return recipients.stream().anyMatch(r -> r.principal.equals(principal) && Arrays.equals(r.publicKey, publicKey));
    }

    /** Whether this group is sealed to exactly {@code to} (same principals and public keys, any order). */
    public boolean sealsExactly(List<Recipient> to) {
        if (to.size() != recipients.size()) {
            return false;
        }
        for (Recipient want : to) {
            if (recipients.stream().noneMatch(want::sameAs)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The material of version {@code version} of key {@code keyId} under the content key: the
     * nonce is the version number, so each version's material has its own nonce, and the AAD
     * names the key, the version and what the material is.
     */
    public byte[] encrypt(UUID keyId, int version, byte kind, byte[] material) {
        requireOpen();
        try {
            return AesGcm.encrypt(contentKey, nonce(version), aad(keyId, version, kind), material);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed", e);
        }
    }

    /** The inverse of {@link #encrypt}; the caller wipes the result. */
    public byte[] decrypt(UUID keyId, int version, byte kind, byte[] ciphertext) {
        requireOpen();
        try {
            return AesGcm.decrypt(contentKey, nonce(version), aad(keyId, version, kind), ciphertext);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("sealed material of version " + version + " does not open", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM failed", e);
        }
    }

    private void requireOpen() {
        if (!isOpen()) {
            throw new IllegalStateException("this process holds no seal of the group");
        }
    }

    private static byte[] nonce(int version) {
        return ByteBuffer.allocate(AesGcm.NONCE_BYTES).putInt(8, version).array();
    }

    private static byte[] aad(UUID keyId, int version, byte kind) {
        return ByteBuffer.allocate(MATERIAL_LABEL.length + 16 + 4 + 1).put(MATERIAL_LABEL)
                .putLong(keyId.getMostSignificantBits()).putLong(keyId.getLeastSignificantBits())
                .putInt(version).put(kind).array();
    }

    /** Ephemeral public key, recipient count, then each recipient's principal, public key and wrapped content key. */
    public void write(DataOutputStream out) throws IOException {
        out.write(ephemeralPublic);
        out.writeByte(recipients.size());
        for (int i = 0; i < recipients.size(); i++) {
            byte[] name = recipients.get(i).principal.getBytes(StandardCharsets.UTF_8);
            out.writeShort(name.length);
            out.write(name);
            out.write(recipients.get(i).publicKey);
            out.write(wrapped.get(i));
        }
    }

    /** Reads what {@link #write} wrote, bounding every count and length. */
    public static SealGroup read(ByteBuffer in) {
        byte[] e = new byte[PrincipalKeyPair.KEY_BYTES];
        in.get(e);
        int count = in.get() & 0xFF;
        if (count < 1 || count > MAX_RECIPIENTS) {
            throw new IllegalArgumentException("seal with " + count + " recipients");
        }
        List<Recipient> recipients = new ArrayList<>(count);
        List<byte[]> wraps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = in.getShort() & 0xFFFF;
            if (length < 1 || length > KeySlot.MAX_PRINCIPAL_BYTES) {
                throw new IllegalArgumentException("seal recipient name of " + length + " bytes");
            }
            byte[] name = new byte[length];
            in.get(name);
            byte[] pk = new byte[PrincipalKeyPair.KEY_BYTES];
            in.get(pk);
            byte[] w = new byte[WRAPPED_BYTES];
            in.get(w);
            recipients.add(new Recipient(new String(name, StandardCharsets.UTF_8), pk));
            wraps.add(w);
        }
        return new SealGroup(e, recipients, wraps, null);
    }

    /** Two groups are the same seal when they have the same ephemeral key (a fresh one per group). */
    public boolean sameSeal(SealGroup other) {
        return other != null && Arrays.equals(ephemeralPublic, other.ephemeralPublic);
    }

    @Override
    public String toString() {
        return "SealGroup" + principals();
    }
}
