package io.kmsjca.internal.model;

import io.kmsjca.internal.engine.DerivedKey;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.keys.RotationReason;
import io.kmsjca.keys.VersionState;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.store.SealGroup;

import javax.crypto.Mac;
import java.security.InvalidKeyException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One version of a master key: its material, why it exists, and the derived keys in use.
 * Shared, unchanged, by every snapshot that holds the key, so its caches and usage count
 * survive rotations and alias changes; a change of its own state makes a new object.
 * Lock-free: wraps and unwraps on many threads only read and compare-and-set.
 */
public final class KeyVersion {

    /**
     * Wraps per derived key at most before a fresh salt is drawn: a session ends when one stripe
     * of its nonce counter ({@link DerivedKeys}) has handed out a quarter of it, so one thread alone
     * draws a new salt every 2^18 wraps. Nonces are a per-session counter, so they never repeat;
     * the cap bounds what one derived key protects (docs/decisions.md).
     * Salts come from the provider's generator, and a restore from a snapshot ends every session
     * ({@link KmsRandom#epoch()}), so no two processes ever continue one session.
     */
    public static final long MAX_WRAPS_PER_SESSION = 1L << 20;
    /** How many stripes a session's nonce counter has (a power of two): see {@link Lease#sequence()}. */
    public static final int NONCE_STRIPES = 4;
    /** The limit sessions opened from now on take; lowered only by tests, to reach rollovers quickly. */
    private static volatile long sessionLimit = MAX_WRAPS_PER_SESSION;

    private final int number;
    private final Instant created;
    private final KeyOrigin origin;
    private final RotationReason reason;
    private final VersionState state;
    private final Instant stateDate;
    private final SecretBytes material;
    /** Whether {@link #material} is an HMAC key's (never derived from for KMSWrap). */
    private final boolean hmac;
    /** The key pair of an asymmetric key's version; null for AES material and for ended versions. */
    private final KeyPairMaterial pair;
    // a LongAdder, not an AtomicLong: threads wrapping under one version on two cores each add to a
    // cell of their own (one shared counter halved what two threads did)
    private final LongAdder wraps = new LongAdder();
    private final AtomicBoolean usageReported = new AtomicBoolean();
    private volatile long persistedWraps;
    /**
     * Where this version's material is sealed to principals (docs/FORMAT.md, "Sealing per
     * principal"): the group and the ciphertext as stored; null while the material is kept in the
     * record itself. A version this process holds no seal of has only this, no material.
     */
    private volatile Sealed sealed;
    private final DerivedKeys derivedKeys = new DerivedKeys(this);

    /** An active version holding {@code material} (copied; the caller wipes its own). */
    public KeyVersion(int number, Instant created, KeyOrigin origin, RotationReason reason, byte[] material, long wraps) {
        this(number, created, origin, reason, VersionState.ACTIVE, null, checkMaterial(material), false, null, wraps);
    }

    /**
     * An active version of a {@code spec} key holding secret {@code material} (copied; the caller
     * wipes its own): 32 bytes for SYMMETRIC_DEFAULT, for an HMAC spec a length
     * {@link #checkHmacLength} allows. The material of an HMAC version never keys a KMSWrap.
     */
    public KeyVersion(int number, Instant created, KeyOrigin origin, RotationReason reason, KeySpec spec,
                      byte[] material, long uses) {
        this(number, created, origin, reason, VersionState.ACTIVE, null, secretMaterial(spec, material),
                spec.family() == KeySpec.Family.HMAC, null, uses);
    }

    /** An active version of an asymmetric key, holding {@code pair} (its only version: such keys do not rotate). */
    public KeyVersion(int number, Instant created, KeyOrigin origin, RotationReason reason, KeyPairMaterial pair,
                      long uses) {
        this(number, created, origin, reason, VersionState.ACTIVE, null, null, false, Objects.requireNonNull(pair, "pair"),
                uses);
    }

    /** A version's material as sealed to principals: its group and the ciphertext under the group's content key. */
    public record Sealed(SealGroup group, byte[] ciphertext) {
        public Sealed {
            ciphertext = ciphertext.clone();
        }

        @Override
        public byte[] ciphertext() {
            return ciphertext.clone();
        }
    }

    private KeyVersion(int number, Instant created, KeyOrigin origin, RotationReason reason, VersionState state,
                       Instant stateDate, SecretBytes material, boolean hmac, KeyPairMaterial pair, long wraps) {
        this(number, created, origin, reason, state, stateDate, material, hmac, pair, wraps, null);
    }

    private KeyVersion(int number, Instant created, KeyOrigin origin, RotationReason reason, VersionState state,
                       Instant stateDate, SecretBytes material, boolean hmac, KeyPairMaterial pair, long wraps,
                       Sealed sealed) {
        if (number < 1) {
            throw new IllegalArgumentException("key version must be 1 or more, was " + number);
        }
        boolean holds = material != null || pair != null || sealed != null;
        if ((state == VersionState.ACTIVE) != holds || (state == VersionState.ACTIVE) != (stateDate == null)) {
            throw new IllegalArgumentException("an active version has material and no state date; others neither");
        }
        this.number = number;
        this.created = Objects.requireNonNull(created);
        this.origin = Objects.requireNonNull(origin);
        this.reason = Objects.requireNonNull(reason);
        this.state = state;
        this.stateDate = stateDate;
        this.material = material;
        this.hmac = hmac;
        this.pair = pair;
        this.wraps.add(wraps);
        this.persistedWraps = wraps;
        this.sealed = sealed;
    }

    /**
     * An active version whose material is sealed to other principals: this process has only the
     * sealed bytes, kept to be written back as they are, and for a key pair its public half
     * ({@code publicHalf}, null for AES and HMAC material).
     */
    public static KeyVersion sealedAway(int number, Instant created, KeyOrigin origin, RotationReason reason,
                                        boolean hmac, KeyPairMaterial publicHalf, long uses, Sealed sealed) {
        if (sealed.group().isOpen()) {
            throw new IllegalArgumentException("a version sealed to this process is read with its material");
        }
        return new KeyVersion(number, created, origin, reason, VersionState.ACTIVE, null, null, hmac, publicHalf, uses,
                java.util.Objects.requireNonNull(sealed));
    }

    /** Where this version's material is sealed to principals, or null (kept in the record, or ended). */
    public Sealed sealed() {
        return sealed;
    }

    /** Remembers where this version's material was just sealed, so the next write can keep the seal. */
    public void sealedAs(Sealed where) {
        if (material == null && (pair == null || pair.isPublicOnly())) {
            throw new IllegalStateException("only a version holding its material is sealed anew");
        }
        this.sealed = where;
    }

    /**
     * Whether this active version's material is sealed to other principals only: this process
     * can describe it, not use it.
     */
    public boolean isSealedAway() {
        return state == VersionState.ACTIVE && material == null && (pair == null || pair.isPublicOnly());
    }
    /** A version read back without material (revoked or destroyed). */
    public static KeyVersion withoutMaterial(int number, Instant created, KeyOrigin origin, RotationReason reason,
                                      VersionState state, Instant stateDate, long wraps) {
        return new KeyVersion(number, created, origin, reason, state, stateDate, null, false, null, wraps);
    }

    private static SecretBytes checkMaterial(byte[] material) {
        if (material == null || material.length != AES_MATERIAL_BYTES) {
            throw new IllegalArgumentException("master key material must be 32 bytes (AES-256)");
        }
        // the algorithm names how the material is used: HKDF-SHA-256 derives the wrap keys from it
        return new SecretBytes(material, "HmacSHA256");
    }

    private static SecretBytes secretMaterial(KeySpec spec, byte[] material) {
        if (spec == KeySpec.SYMMETRIC_DEFAULT) {
            return checkMaterial(material);
        }
        if (spec.family() != KeySpec.Family.HMAC) {
            throw new IllegalArgumentException("a " + spec + " key's version holds a key pair, not secret material");
        }
        checkHmacLength(spec, material == null ? -1 : material.length);
        return new SecretBytes(material, MacAlgorithm.forKey(spec, KeyUsage.GENERATE_VERIFY_MAC).get(0).jcaName());
    }

    /** Bytes of AES material (SYMMETRIC_DEFAULT). */
    public static final int AES_MATERIAL_BYTES = 32;
    /** The most bytes of HMAC material any spec takes (HMAC_384 and HMAC_512 imports, as AWS). */
    public static final int MAX_HMAC_MATERIAL_BYTES = 128;

    /** Bytes of material KMS generates for an HMAC spec: its key length (HMAC_256: 32). */
    public static int generatedHmacBytes(KeySpec spec) {
        return spec.bits() / 8;
    }

    /**
     * The lengths of HMAC material AWS KMS accepts for {@code spec} (imported material): from the
     * spec's key length up to 64 bytes for HMAC_224 and HMAC_256, up to 128 bytes for HMAC_384 and
     * HMAC_512 (the hash's block size).
     *
     * @throws IllegalArgumentException naming the spec and the allowed range
     */
    public static void checkHmacLength(KeySpec spec, int length) {
        int min = generatedHmacBytes(spec);
        int max = spec.bits() <= 256 ? 64 : MAX_HMAC_MATERIAL_BYTES;
        if (length < min || length > max) {
            throw new IllegalArgumentException("the material of a " + spec + " key must be " + min + " to " + max
                    + " bytes, not " + length);
        }
    }

    public int number() {
        return number;
    }

    public Instant created() {
        return created;
    }

    public KeyOrigin origin() {
        return origin;
    }

    public RotationReason reason() {
        return reason;
    }

    public VersionState state() {
        return state;
    }

    /** When the version was revoked or destroyed, else null. */
    public Instant stateDate() {
        return stateDate;
    }

    /** Wraps made under this version (persisted from time to time, so a crash may lose the latest). */
    public long wraps() {
        return wraps.sum();
    }

    /** Wraps counted since the count was last written to a record. */
    public long unpersistedWraps() {
        return wraps.sum() - persistedWraps;
    }

    /** The count to write into a record now; remembered as persisted. */
    public long wrapsForRecord() {
        long n = wraps.sum();
        persistedWraps = n;
        return n;
    }

    /** Counts one more wrap. */
    public void countWrap() {
        wraps.increment();
    }

    /** Whether this call is the first to find the usage threshold reached (once per version). */
    public boolean firstToReachUsageThreshold() {
        return !usageReported.get() && usageReported.compareAndSet(false, true);
    }

    /** The key pair of an asymmetric key's active version, else null. */
    public KeyPairMaterial pair() {
        return pair;
    }

    /** Whether this active version holds HMAC material (an HMAC key's version). */
    public boolean isHmac() {
        return hmac;
    }

    /** Bytes of secret material this version holds (AES or HMAC), 0 for a key pair or an ended version. */
    public int materialLength() {
        return material == null ? 0 : material.length();
    }

    /**
     * The HMAC key of an HMAC key's active version, for a JDK {@code Mac} only: the provider's
     * wipeable key object (never handed to callers).
     */
    public SecretBytes hmacKey() throws InvalidKeyException {
        if (isSealedAway()) {
            throw sealedAwayException();
        }
        if (!hmac || material == null || material.isDestroyed()) {
            throw new InvalidKeyException("key version " + number + " has no HMAC material ("
                    + (pair != null ? "a key pair" : hmac ? state.name().toLowerCase() : "AES material") + ")");
        }
        return material;
    }

    /** The AES or HMAC material, for sealing into a record only; null unless an active secret version. The caller wipes it. */
    public byte[] materialCopy() {
        return material == null ? null : material.getEncoded();
    }

    /**
     * What using a version sealed to other principals throws: the credential this store was opened
     * with holds no seal of it (docs/authorization.md, "Sealing per principal").
     */
    public InvalidKeyException sealedAwayException() {
        return new InvalidKeyException("key version " + number + " is sealed to other principals ("
                + String.join(", ", sealed.group().principals()) + "): the credential this store was opened with"
                + " holds no seal of it");
    }

    /** Whether this object still holds live material in memory (tests of wiping). */
    public boolean holdsMaterial() {
        return material != null && !material.isDestroyed() || pair != null && !pair.isPublicOnly() && !pair.isWiped();
    }

    /**
     * This version in state {@code next} as of {@code when}, without material. This object keeps
     * its material until {@link #wipe()}: the key service wipes it once the change is durable, so
     * a failed write leaves a version the store still calls active usable here.
     */
    KeyVersion ended(VersionState next, Instant when) {
        return new KeyVersion(number, created, origin, reason, next, when, null, false, null, wraps.sum());
    }

    /**
     * Tests only: sessions opened from now on end once a stripe has handed out {@code wraps} / 4
     * values (at least one), so after at most max({@code wraps}, 4) wraps in all (1 …
     * {@link #MAX_WRAPS_PER_SESSION}).
     */
    public static void sessionLimitForTests(long wraps) {
        if (wraps < 1 || wraps > MAX_WRAPS_PER_SESSION) {
            throw new IllegalArgumentException("session limit must be 1.." + MAX_WRAPS_PER_SESSION);
        }
        sessionLimit = wraps;
    }

    /**
     * A derived key and the unique counter value one wrap may use with it.
     *
     * @param sequence how many wraps this counter's stripe of the session handed out before it
     *                 (0, 1, 2, ... on each stripe): what samples every n-th wrap of a thread, as
     *                 the counter itself, striped, cannot
     */
    public record Lease(DerivedKey key, long counter, long sequence) {
    }

    /**
     * Takes the next counter value of the current session, opening a new session when it is used
     * up or was opened before the last restore from a snapshot.
     */
    public Lease lease(UUID keyId, Mac mac) throws InvalidKeyException {
        return derivedKeys.lease(keyId, mac, sessionLimit);
    }

    /** The derived key a blob's format version and salt select, from the cache or derived now. */
    public DerivedKey forBlob(UUID keyId, byte[] blob, Mac mac) throws InvalidKeyException {
        return derivedKeys.forBlob(keyId, blob, mac);
    }

    /** The AES material KMSWrap keys are derived from, refused if this version holds none (now). */
    SecretBytes liveAesMaterial() throws InvalidKeyException {
        if (isSealedAway()) {
            throw sealedAwayException();
        }
        if (material == null || hmac || material.isDestroyed()) {
            throw new InvalidKeyException("key version " + number + " has no AES material (" + (pair != null ? "a key pair"
                    : hmac ? "HMAC material" : state.name().toLowerCase()) + ")");
        }
        return material;
    }

    /** Whether this version's secret material was wiped. */
    boolean wiped() {
        return material != null && material.isDestroyed();
    }

    /**
     * Refuses a request whose version was wiped before it keyed its cipher: the JDK's cipher failed
     * reading a derived key the wipe destroyed, or a key the request took earlier had left the cache
     * (another salt took its slot, the session rolled over) and so escaped the wipe's sweep. Called
     * once the cipher is keyed, or failed to be; a request past it finishes.
     */
    public void refuseIfWiped() throws InvalidKeyException {
        if (wiped()) {
            throw wipedException();
        }
    }

    /** Tests only: the derived keys this version holds now (its session's and the unwrap cache's). */
    List<DerivedKey> derivedKeysHeld() {
        return derivedKeys.held();
    }

    /** What a request refused by a wipe that landed while it used this version throws. */
    InvalidKeyException wipedException() {
        return new InvalidKeyException("key version " + number + " was wiped (revoked, destroyed, or its store closed)"
                + " while this request used it");
    }

    /**
     * Wipes the material and every derived key this version holds (its wrap session's and the
     * unwrap cache's). A derived key made while this runs is wiped by whoever made it
     * ({@link #lease}, {@link #forBlob}), which checks the material after publishing it. A wrap or
     * unwrap already past its state check finishes if it had keyed its cipher before this; one
     * that had not fails with an {@code InvalidKeyException} ({@link #refuseIfWiped}); nothing new
     * starts. Derived keys that had already left the cache when this ran (taken by such a
     * request) are not wiped: the JDK's cipher state, like the collector, holds what it held.
     */
    public void wipe() {
        if (material != null) {
            material.destroy();
        }
        if (pair != null) {
            pair.wipe();
        }
        Sealed where = sealed;
        if (where != null) {
            where.group().destroy(); // the key's other versions seal again under a new group if written
        }
        derivedKeys.wipe();
    }
}
