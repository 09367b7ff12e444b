package io.kmsjca.internal.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * When the audit log's writer appends a signature record, and what it holds: after
 * {@code everyRecords} records of this writer, or, at a batch or a maintenance run, when
 * {@code every} has passed since its last signature; and always before a rotation and at close
 * ({@link JsonLinesAuditSink}). Used under the sink's monitor.
 */
public final class AuditLogSigner {

    /** Makes the signatures that fall due under synchronous delivery; it ends when idle, and is made again on demand. */
    private static final ThreadPoolExecutor BACKGROUND = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "kms-jca-audit-signer");
                t.setDaemon(true);
                return t;
            });

    private final AuditSigningKey key;
    private final int everyRecords;
    private final Duration every;
    private final Clock clock;
    private Instant lastSigned;

    /**
     * @param everyRecords records this writer appends between two signatures, at most
     * @param every        time after which a batch or a maintenance run signs what is not signed yet
     * @param clock        the key service's clock: tests move it, no test waits for it
     */
    public AuditLogSigner(AuditSigningKey key, int everyRecords, Duration every, Clock clock) {
        if (everyRecords < 1) {
            throw new IllegalArgumentException("records between audit log signatures must be 1 or more");
        }
        this.key = key;
        this.everyRecords = everyRecords;
        this.every = every;
        this.clock = clock;
        this.lastSigned = clock.instant();
    }

    /** The JVM's one thread that signs audit logs off the requests' threads (synchronous delivery). */
    public static Executor backgroundThread() {
        return BACKGROUND;
    }

    /**
     * Why a signature is due: "count" after {@code unsigned} records of this writer, "time" when
     * the log ends in records no signature covers ({@code pending}) and the time has passed, or
     * null if none is.
     */
    String due(long unsigned, boolean pending) {
        if (unsigned >= everyRecords) {
            return "count";
        }
        return pending && !clock.instant().isBefore(lastSigned.plus(every)) ? "time" : null;
    }

    /** The fields of a signature record over record {@code signedSeq}, whose line hashes to {@code signedHash}. */
    String fields(String chain, long signedSeq, String signedHash, String reason) {
        Instant now = clock.instant();
        String time = now.toString();
        byte[] signature = key.sign(AuditSignatureRecords.message(chain, signedSeq, signedHash, time, reason));
        lastSigned = now;
        return AuditSignatureRecords.fields(chain, signedSeq, signedHash, time, reason, key.verificationKey().fingerprint(),
                signature);
    }
}
