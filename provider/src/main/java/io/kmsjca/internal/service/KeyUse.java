package io.kmsjca.internal.service;

import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUnavailableException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;

import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.keys.KeyUseDeniedException;
import io.kmsjca.spi.OutOfSyncException;
import io.kmsjca.spi.audit.AuditOperation;

import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The cryptographic use of keys: which key may wrap or unwrap now, and the usage count that
 * starts a rotation at the threshold. Lock-free: it reads the {@link KeyRegistry}'s snapshot.
 */
public final class KeyUse {

    private final KeyRegistry registry;
    private final KeyServiceOptions options;
    private final KeyMaintenance maintenance;
    private final KeyAccess access;
    private volatile boolean closed;

    KeyUse(KeyRegistry registry, KeyServiceOptions options, KeyMaintenance maintenance, KeyAccess access) {
        this.registry = registry;
        this.options = options;
        this.maintenance = maintenance;
        this.access = access;
    }

    /** From now on no key may be used (the key service is closing). */
    void close() {
        closed = true;
    }

    /**
     * The key {@code handle} names, if it is a live handle of {@code owner}, the key may be used
     * now, and the policies or grants let the caller perform {@code op} with {@code context}.
     */
    MasterKey usableKey(KmsKeyHandle handle, EmbeddedKeyService owner, AuditOperation op, EncryptionContext context)
            throws InvalidKeyException {
        if (ServiceKeyHandle.serviceOf(handle) != owner) {
            throw new InvalidKeyException("key handle " + handle.keyId() + " belongs to another key store");
        }
        if (handle.isDestroyed()) {
            throw new InvalidKeyException("key handle " + handle.keyId() + " was destroyed");
        }
        return usableKey(handle.keyId(), handle.alias(), op, context);
    }

    /**
     * {@link #usableState}, a symmetric key (KMSWrap, envelopes, data keys, re-encryption take no
     * key pair), and the policies or grants let the caller perform {@code op}.
     */
    MasterKey usableKey(UUID id, String alias, AuditOperation op, EncryptionContext context) throws InvalidKeyException {
        MasterKey key = usableState(id, alias);
        authorize(key, KeyAccess.action(op), context); // the rights first: a refusal tells no one else the key's spec
        key.requireSymmetric(symmetricUse(op));
        return key;
    }

    private static String symmetricUse(AuditOperation op) {
        return switch (op) {
            case WRAP_KEY, UNWRAP_KEY -> "wrap or unwrap keys (KMSWrap)";
            case GENERATE_DATA_KEY, GENERATE_DATA_KEY_WITHOUT_PLAINTEXT, REUSE_CACHED_DATA_KEY -> "make data keys";
            case GENERATE_DATA_KEY_PAIR, GENERATE_DATA_KEY_PAIR_WITHOUT_PLAINTEXT -> "wrap a data key pair";
            case RE_ENCRYPT -> "re-encrypt blobs";
            default -> "be used for " + op;
        };
    }

    /**
     * The asymmetric key {@code handle} names, if it is a live handle of {@code owner}, the key may
     * be used now for {@code op} (its usage) and the policies or grants let the caller perform it.
     */
    MasterKey usablePair(KmsPrivateKeyHandle handle, EmbeddedKeyService owner, AuditOperation op,
                         Map<String, List<String>> requestKeys) throws InvalidKeyException {
        if (ServicePrivateKeyHandle.serviceOf(handle) != owner) {
            throw new InvalidKeyException("key handle " + handle.keyId() + " belongs to another key store");
        }
        if (handle.isDestroyed()) {
            throw new InvalidKeyException("key handle " + handle.keyId() + " was destroyed");
        }
        return usablePair(handle.keyId(), handle.alias(), op, requestKeys);
    }

    /**
     * The asymmetric key {@code id}: usable now ({@link #usableState}), of the usage {@code op}
     * takes (Sign and Verify: SIGN_VERIFY; Encrypt and Decrypt: ENCRYPT_DECRYPT; DeriveSharedSecret:
     * KEY_AGREEMENT; GetPublicKey: any), and the caller may perform {@code op} on it with the
     * request's condition keys {@code requestKeys} (null: the rights are not decided here, but by
     * each request, which names its algorithm).
     */
    MasterKey usablePair(UUID id, String alias, AuditOperation op, Map<String, List<String>> requestKeys)
            throws InvalidKeyException {
        MasterKey key = usableState(id, alias);
        if (requestKeys != null) { // null: only whether the key may be used now (a JCA init), the rights come per request
            // the rights first: a caller with none learns nothing of the key's spec or usage from a refusal
            authorize(key, KeyAccess.action(op), EncryptionContext.EMPTY, requestKeys);
        }
        key.requireAsymmetric(usageOf(op), asymmetricUse(op));
        if (key.keyPair().isEmpty()) {
            throw new KeyUnavailableException("key " + nameOf(key, alias) + " holds no key pair");
        }
        return key;
    }

    /**
     * The HMAC key {@code id}: usable now ({@link #usableState}), an HMAC key whose algorithm is
     * {@code algorithm}, holding its material, and the caller may perform {@code op}
     * (GENERATE_MAC, VERIFY_MAC) with the request's condition keys {@code requestKeys}
     * ({@code kms:MacAlgorithm}; null: the rights are not decided here).
     */
    MasterKey usableHmac(UUID id, String alias, AuditOperation op, io.kmsjca.keys.MacAlgorithm algorithm,
                         Map<String, List<String>> requestKeys) throws InvalidKeyException {
        MasterKey key = usableState(id, alias);
        if (requestKeys != null) {
            // the rights first: a caller with none learns nothing of the key's spec, usage or MAC algorithm
            authorize(key, KeyAccess.action(op), EncryptionContext.EMPTY, requestKeys);
        }
        key.requireHmac(algorithm, op == AuditOperation.VERIFY_MAC ? "verify MACs" : "generate MACs");
        if (!key.current().holdsMaterial()) {
            throw new KeyUnavailableException("key " + nameOf(key, alias) + " holds no HMAC material");
        }
        return key;
    }

    /** The usage an asymmetric operation needs, or null (GetPublicKey: any). */
    static KeyUsage usageOf(AuditOperation op) {
        return switch (op) {
            case SIGN, VERIFY -> KeyUsage.SIGN_VERIFY;
            case ENCRYPT, DECRYPT -> KeyUsage.ENCRYPT_DECRYPT;
            case DERIVE_SHARED_SECRET -> KeyUsage.KEY_AGREEMENT;
            case GET_PUBLIC_KEY -> null;
            default -> throw new IllegalArgumentException(op + " is not an operation of asymmetric keys");
        };
    }

    private static String asymmetricUse(AuditOperation op) {
        return switch (op) {
            case SIGN -> "sign";
            case VERIFY -> "verify signatures";
            case ENCRYPT -> "encrypt with RSA-OAEP";
            case DECRYPT -> "decrypt with RSA-OAEP";
            case DERIVE_SHARED_SECRET -> "derive shared secrets";
            default -> "give a public key";
        };
    }

    /**
     * Refuses, unless the policies or grants let the caller perform {@code action} on {@code key}.
     * Without a store policy and with the default key policy nothing is evaluated.
     */
    void authorize(MasterKey key, String action, EncryptionContext context) throws KeyUseDeniedException {
        authorize(key, action, context, Map.of());
    }

    /**
     * {@link #authorize(MasterKey, String, EncryptionContext)} with the request's own condition keys
     * beside the key's ({@code kms:SigningAlgorithm}, ...): constant maps, compared by value when a
     * decision is remembered.
     */
    void authorize(MasterKey key, String action, EncryptionContext context, Map<String, List<String>> requestKeys)
            throws KeyUseDeniedException {
        if (access.unrestricted(key)) {
            return;
        }
        String principal = access.principal();
        CredentialIdentity requester = access.requester();
        int standing = (requester.administrator() ? 1 : 0) | (requester.actsForOthers() ? 2 : 0);
        long storeRevision = access.storePolicyRevision();
        Allowed[] remembered = lastAllowed.get();
        for (Allowed a : remembered) {
            if (a != null && a.permits(key, storeRevision, principal, standing, action, context, requestKeys)) {
                return;
            }
        }
        KeyAccess.Decision decision = access.decide(principal, action, key, context.pairs(),
                requestKeys.isEmpty() ? RequestKeys.use(key) : RequestKeys.plus(RequestKeys.use(key), requestKeys));
        if (!decision.allowed()) {
            throw new KeyUseDeniedException(decision.denial(principal, action, key.id()));
        }
        if (!access.dependsOnTime(key)) { // the oldest of the few remembered gives way
            System.arraycopy(remembered, 0, remembered, 1, remembered.length - 1);
            remembered[0] = new Allowed(key.id(), key.revision(), storeRevision, principal, standing, action, context,
                    requestKeys);
        }
    }

    /**
     * The last few requests this thread was allowed (a wrap and an unwrap alternate), each
     * remembered while nothing it rests on changes: the key's record (its policy and grants, at
     * that revision), the store policy's revision, the principal and its standing (decided as an
     * administrator's or not, and whether its name joins a Subject's principals: an access key and
     * the store's credential or caller may share a name), the action and the very context object a
     * cipher reuses. A decision a policy makes
     * with {@code aws:CurrentTime} is never remembered. Per thread, so the hot path shares nothing.
     */
    private record Allowed(UUID keyId, long keyRevision, long storeRevision, String principal, int standing,
                           String action, EncryptionContext context, Map<String, List<String>> requestKeys) {
        boolean permits(MasterKey key, long store, String who, int how, String what, EncryptionContext ctx,
                        Map<String, List<String>> keys) {
            return keyRevision == key.revision() && storeRevision == store && context == ctx && action.equals(what)
                    && keyId.equals(key.id()) && principal.equals(who) && standing == how
                    && (requestKeys == keys || requestKeys.equals(keys));
        }
    }

    private static final int REMEMBERED = 4;
    private final ThreadLocal<Allowed[]> lastAllowed = ThreadLocal.withInitial(() -> new Allowed[REMEMBERED]);

    /**
     * The key {@code id}, if it may be used for cryptography now.
     *
     * @param alias how the caller named the key, for the message (null: its first alias)
     */
    MasterKey usableState(UUID id, String alias) throws InvalidKeyException {
        if (closed) {
            throw new InvalidKeyException("the key store of key " + id + " was closed");
        }
        MasterKey key = registry.snapshot().byId().get(id);
        if (key == null) {
            throw new InvalidKeyException("key " + id + " does not exist in this key store");
        }
        if (key.state() != KeyState.ENABLED) {
            String why = key.state() == KeyState.DESTROYED ? "; its material was destroyed on "
                    + key.deletionDate().orElseThrow() + " and its blobs can no longer be decrypted" : "";
            throw new KeyUnavailableException("key " + nameOf(key, alias) + " is " + key.state().displayName() + why);
        }
        Instant expiry = key.materialExpiry(); // only keys of imported material that expires read the clock
        if (expiry != null && key.materialExpiryDue(options.clock().instant())) { // the one rule of expiry
            // as in AWS KMS, unusable from its ValidTo on, whether or not maintenance has emptied the key yet
            throw new KeyUnavailableException("key " + nameOf(key, alias) + ": its imported material expired at "
                    + expiry + "; import it again to use the key");
        }
        try {
            registry.backend().checkInSync(); // a key disabled elsewhere must not stay usable here past the bound
        } catch (OutOfSyncException e) {
            throw new KeyUnavailableException("key " + nameOf(key, alias) + " cannot be used now: " + e.getMessage(), e);
        }
        return key;
    }

    private static String nameOf(MasterKey key, String alias) {
        return alias != null ? "alias/" + alias + " (" + key.id() + ")" : key.displayName();
    }

    /**
     * Called after each wrap under {@code version}, the {@code sequence}-th of its stripe of the
     * session ({@link KeyVersion.Lease#sequence()}): starts rotation when usage reaches the
     * threshold (once; at every check past twice the threshold). A key that cannot rotate
     * (imported material) only counts: no rotation is tried that would be refused every time.
     */
    public void wrapped(MasterKey key, KeyVersion version, long sequence) {
        version.countWrap();
        if (!key.rotates()) {
            return;
        }
        long threshold = options.usageRotationThreshold();
        if (threshold > EXACT_BELOW && (sequence & (CHECK_EVERY - 1)) != 0) {
            return; // summed once every 256 wraps of a stripe, so every ~1,024 wraps of 4 busy stripes: summing reads every thread's cell
        }
        long count = version.wraps();
        if (count >= 2 * threshold) {
            maintenance.usageThresholdReached(key.id(), version.number(), true);
        } else if (count >= threshold && version.firstToReachUsageThreshold()) {
            maintenance.usageThresholdReached(key.id(), version.number(), false);
        }
    }

    /**
     * Thresholds up to this are checked at every wrap (a threshold set low, as tests do); higher
     * ones once every {@link #CHECK_EVERY} wraps of each stripe of the nonce counter: a version
     * passes its threshold by at most about 1,024 wraps before one of them sees it.
     */
    private static final long EXACT_BELOW = 1L << 20;
    private static final long CHECK_EVERY = 1024 / KeyVersion.NONCE_STRIPES;
}
