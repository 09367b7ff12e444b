package io.kmsjca.internal.engine;

import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.internal.audit.OperationStart;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.policy.ConditionKeys;
import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.internal.service.ServiceKeyHandle;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.spi.audit.AuditOperation;

import javax.crypto.Mac;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The embedded store's HMAC operations (KMS GenerateMac and VerifyMac, and the JCA {@code Mac}
 * services): one per JCA object or request, holding its JDK {@code Mac} of the fixed provider
 * ({@link Primitives#mac}), so a call takes no lock, does no I/O and looks up no provider. Every
 * operation resolves the key from the store's snapshot (state, usage, MAC algorithm and the
 * caller's rights with {@code kms:MacAlgorithm}) and is audited once, SUCCESS, FAILED or DENIED.
 * The {@code KeyService} methods and the {@code Mac} SPI run through the same rules. Not
 * thread-safe, like the JCA objects that own it.
 */
public final class MacEngine {

    /** AWS KMS's bound on a GenerateMac or VerifyMac message. */
    public static final int MAX_MESSAGE_BYTES = 4096;

    /** The condition keys of each request (kms:MacAlgorithm), built once: a request allocates none. */
    private static final List<Map<String, List<String>>> MAC_KEYS = Arrays.stream(MacAlgorithm.values())
            .map(a -> Map.of(ConditionKeys.MAC_ALGORITHM, List.of(a.name()))).toList();

    private final Mac[] macs = new Mac[MacAlgorithm.values().length];

    /** The streaming state of a JCA {@code Mac}: the key it was initialized with, and its version. */
    private Target streaming;
    private MacAlgorithm streamingAlgorithm;
    private KeyVersion streamingVersion;

    /**
     * A key of an embedded store: named by a handle it gave out (kept, so that each operation sees
     * whether it was destroyed since), or by id and alias (the KeyService methods; handle null).
     */
    public record Target(EmbeddedKeyService service, KmsKeyHandle handle, UUID id, String alias) {

        /** The key of a handle this provider gave out (else InvalidKeyException, not audited: it names no store). */
        public static Target of(KmsKeyHandle handle) throws InvalidKeyException {
            return new Target(ServiceKeyHandle.serviceOf(handle), handle, handle.keyId(), handle.alias());
        }

        /** Key {@code id} of {@code service}, as the request named it ({@code alias}, or null). */
        public static Target named(EmbeddedKeyService service, UUID id, String alias) {
            return new Target(Objects.requireNonNull(service), null, Objects.requireNonNull(id), alias);
        }

        /** Whether the request named the key by a handle that was destroyed since: it is refused for good. */
        boolean handleDestroyed() {
            return handle != null && handle.isDestroyed();
        }

        /** The key, if usable now; a destroyed handle is refused at every operation, as KMSWrap's and Signature's are. */
        MasterKey usable(AuditOperation op, MacAlgorithm algorithm, Map<String, List<String>> keys)
                throws InvalidKeyException {
            if (handleDestroyed()) {
                throw new InvalidKeyException("key handle " + id + " was destroyed");
            }
            return service.usableHmac(id, alias, op, algorithm, keys);
        }
    }

    private static Map<String, List<String>> requestKeys(MacAlgorithm algorithm) {
        return MAC_KEYS.get(algorithm.ordinal());
    }

    /** The engine's JDK {@code Mac} of {@code algorithm} (package-private: tests see what it still holds). */
    Mac mac(MacAlgorithm algorithm) {
        Mac m = macs[algorithm.ordinal()];
        if (m == null) {
            m = Primitives.mac(algorithm.jcaName());
            macs[algorithm.ordinal()] = m;
        }
        return m;
    }

    /** KMS GenerateMac: the HMAC of {@code message} (at most 4096 bytes) under {@code target}'s key. */
    public byte[] generateMac(Target target, byte[] message, MacAlgorithm algorithm) throws GeneralSecurityException {
        return perform(target, AuditOperation.GENERATE_MAC, algorithm, message, m -> m);
    }

    /**
     * KMS VerifyMac: whether {@code mac} is the HMAC of {@code message}, compared in constant time
     * ({@link MessageDigest#isEqual}); a wrong MAC is {@code false}, audited SUCCESS (the
     * operation ran, as AWS records it), the caller says how it is refused.
     */
    public boolean verifyMac(Target target, byte[] message, byte[] mac, MacAlgorithm algorithm)
            throws GeneralSecurityException {
        return perform(target, AuditOperation.VERIFY_MAC, algorithm, message, computed -> {
            try {
                return MessageDigest.isEqual(computed, Objects.requireNonNull(mac, "mac"));
            } finally {
                Arrays.fill(computed, (byte) 0);
            }
        });
    }

    @FunctionalInterface
    private interface Outcome<T> {
        T of(byte[] computed) throws GeneralSecurityException;
    }

    private <T> T perform(Target target, AuditOperation op, MacAlgorithm algorithm, byte[] message, Outcome<T> outcome)
            throws GeneralSecurityException {
        OperationStart timed = OperationStart.begin();
        int version = 0;
        try {
            if (algorithm == null) {
                throw new InvalidAlgorithmParameterException("a MAC algorithm is required");
            }
            Objects.requireNonNull(message, "message");
            if (message.length > MAX_MESSAGE_BYTES) {
                throw new InvalidAlgorithmParameterException("a GenerateMac or VerifyMac message is at most "
                        + MAX_MESSAGE_BYTES + " bytes, not " + message.length);
            }
            MasterKey key = target.usable(op, algorithm, requestKeys(algorithm));
            KeyVersion current = key.current();
            version = current.number();
            Mac m = mac(algorithm);
            m.init(current.hmacKey());
            T result;
            try {
                result = outcome.of(m.doFinal(message));
            } finally {
                forgetKey(m, algorithm); // the JDK Mac keeps the key's pads until it is keyed again
            }
            current.countWrap(); // uses of the version, as a key pair's are not: the record's count field
            target.service().auditRecorder().record(timed, op, key.id(), version, target.alias(), null,
                    EncryptionContext.EMPTY);
            return result;
        } catch (GeneralSecurityException | RuntimeException e) {
            target.service().auditRecorder().record(timed, op, target.id(), version, target.alias(), e,
                    EncryptionContext.EMPTY);
            throw e;
        }
    }

    // ---------------------------------------------------------------- JCA Mac (streaming)

    /**
     * Starts a streamed MAC (JCA {@code Mac.init}) with an HMAC key of {@code algorithm}: the key
     * must be usable and the caller allowed kms:GenerateMac with it now, else InvalidKeyException,
     * audited. Nothing is audited on success: each {@link #doFinal} is.
     */
    public void init(KmsKeyHandle handle, MacAlgorithm algorithm) throws InvalidKeyException {
        Target target = Target.of(handle);
        AuditOperation op = AuditOperation.GENERATE_MAC;
        try {
            MasterKey key = target.usable(op, algorithm, requestKeys(algorithm));
            KeyVersion current = key.current();
            mac(algorithm).init(current.hmacKey());
            streaming = target;
            streamingAlgorithm = algorithm;
            streamingVersion = current;
        } catch (InvalidKeyException | RuntimeException e) {
            streaming = null;
            target.service().auditRecorder().record(null, op, target.id(), 0, target.alias(), e, EncryptionContext.EMPTY);
            throw e;
        }
    }

    /** Streams data into the MAC started by {@link #init}: no bound, no key lookup (see docs/decisions.md). */
    public void update(byte[] data, int off, int len) {
        requireStarted().update(data, off, len);
    }

    public void update(byte b) {
        requireStarted().update(b);
    }

    /** Forgets the data streamed so far; the key stays. */
    public void reset() {
        if (streaming != null) {
            mac(streamingAlgorithm).reset();
        }
    }

    /**
     * Ends a streamed MAC, audited GENERATE_MAC once. The key is checked again (still Enabled,
     * still the same material, the caller still allowed, the handle not destroyed): a refusal
     * resets the MAC, and if the material or the handle is gone (deleted, expired, destroyed)
     * wipes the key from the MAC and ends the session
     * (the JCA {@code Mac} must be initialized again); it is thrown
     * as an {@link IllegalStateException} whose cause is the refusal ({@code Mac.doFinal} declares
     * no checked exception), audited FAILED or DENIED.
     */
    public byte[] doFinal() {
        Mac m = requireStarted();
        Target target = streaming;
        AuditOperation op = AuditOperation.GENERATE_MAC;
        OperationStart timed = OperationStart.begin();
        int version = streamingVersion.number();
        try {
            MasterKey key = target.usable(op, streamingAlgorithm, requestKeys(streamingAlgorithm));
            if (key.current() != streamingVersion || !streamingVersion.holdsMaterial()) {
                throw new InvalidKeyException("the material of key " + key.displayName() + " changed since Mac.init");
            }
            byte[] result = m.doFinal();
            streamingVersion.countWrap();
            target.service().auditRecorder().record(timed, op, key.id(), version, target.alias(), null,
                    EncryptionContext.EMPTY);
            return result;
        } catch (InvalidKeyException | RuntimeException e) {
            if (streamingVersion.holdsMaterial() && !target.handleDestroyed()) {
                m.reset(); // disabled or denied for now: the same key may go on once allowed again
            } else {
                forgetKey(m, streamingAlgorithm); // the material is gone, or the handle: no pads of the key stay
                streaming = null;                 // in this Mac, and the session ends (Mac.init again to go on)
                streamingVersion = null;
            }
            target.service().auditRecorder().record(timed, op, target.id(), version, target.alias(), e,
                    EncryptionContext.EMPTY);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A key of zeros: re-keying a JDK Mac with it overwrites the pads the real key left in it. */
    private static final byte[] ZERO_KEY = new byte[64];

    private static void forgetKey(Mac m, MacAlgorithm algorithm) {
        try {
            m.init(new javax.crypto.spec.SecretKeySpec(ZERO_KEY, algorithm.jcaName()));
        } catch (InvalidKeyException cannot) {
            // SunJCE takes any non-empty key: not reached
        }
    }

    private Mac requireStarted() {
        if (streaming == null) {
            throw new IllegalStateException("Mac not initialized with a KMS HMAC key");
        }
        return mac(streamingAlgorithm);
    }
}
