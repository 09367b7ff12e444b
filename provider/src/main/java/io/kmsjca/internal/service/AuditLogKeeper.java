package io.kmsjca.internal.service;

import io.kmsjca.internal.audit.AuditLogSigner;
import io.kmsjca.internal.audit.ChainedLogVerifier;
import io.kmsjca.audit.AuditVerificationKey;

import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.keys.KeyServiceOptions;

import io.kmsjca.internal.audit.AuditCheckpoints;
import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.audit.AuditLogCutException;
import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditOptions;
import io.kmsjca.internal.audit.ContextHasher;
import io.kmsjca.internal.audit.JsonLinesAuditSink;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.spi.audit.AuditListener;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The store's side of the tamper-evident audit log: the file sink (if {@code audit.file} is
 * set), its checkpoints kept in the store, and the verifier that reads them. Checkpoints are
 * written by background maintenance and at close, never on a request's path.
 */
public final class AuditLogKeeper {

    private static final System.Logger LOG = System.getLogger("io.kmsjca.audit");

    private final JsonLinesAuditSink sink;
    private final AuditLogCheckpoints checkpoints;
    private final AuditKeys keys;
    private final UUID auditKey;

    private AuditLogKeeper(JsonLinesAuditSink sink, AuditLogCheckpoints checkpoints, AuditKeys keys, UUID auditKey) {
        this.sink = sink;
        this.checkpoints = checkpoints;
        this.keys = keys;
        this.auditKey = auditKey;
    }

    /** The keeper of the store's audit log: opens the file sink if {@code audit.file} is set. */
    static AuditLogKeeper open(AuditOptions options, AuditKeys keys, KeyRegistry registry, MasterKey auditKey,
                               KeyServiceOptions serviceOptions) throws IOException {
        AuditLogSigner signer = new AuditLogSigner(keys.logSigning, options.signEveryRecords(),
                Duration.ofSeconds(options.signEverySeconds()), serviceOptions.clock());
        JsonLinesAuditSink sink = options.file() == null ? null : new JsonLinesAuditSink(options.file(), keys.logMac,
                options.fileFsync(), options.delivery() == AuditOptions.Delivery.ASYNC, options.fileMaxBytes(), signer,
                options.delivery() == AuditOptions.Delivery.ASYNC ? null : AuditLogSigner.backgroundThread());
        return new AuditLogKeeper(sink, new AuditLogCheckpoints(registry, auditKey.id(), serviceOptions.clock()), keys,
                auditKey.id());
    }

    /** The store's audit trail: the configured listeners, then the file sink if there is one. */
    AuditDispatcher dispatcher(KeyServiceOptions options, Callers callers) {
        AuditOptions ao = options.audit();
        List<AuditListener> listeners = new ArrayList<>(options.auditListeners());
        if (sink != null) {
            listeners.add(sink);
        }
        return new AuditDispatcher(options.clock(), ao, listeners,
                ao.contextValues() == AuditOptions.ContextValues.HMAC ? ContextHasher.hmac(keys.contextHmac) : ContextHasher.PLAIN,
                callers::resolve);
    }

    /** The file sink, or null when the store writes no audit log. */
    JsonLinesAuditSink sink() {
        return sink;
    }

    AuditLogVerifier verifier() {
        return new ChainedLogVerifier(keys.logMac, checkpoints, keys.logSigning.verificationKey());
    }

    AuditVerificationKey verificationKey() {
        return keys.logSigning.verificationKey();
    }

    /** Signs the end of the log (reason "close") unless it ends in a signature already. */
    void signAtClose() {
        if (sink == null) {
            return;
        }
        try {
            sink.signAtClose();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "kms-jca could not sign the audit log: " + e.getMessage());
        }
    }

    /**
     * Forgets which chain the store checkpointed at {@code log} on {@code host}, recorded as an
     * UNTAG_KEY of the audit key (that is what it is): the audit trail shows who ended a log's watch.
     */
    boolean retire(Path log, String host, AuditDispatcher audit) throws IOException {
        boolean had = checkpoints.retire(AuditCheckpoints.location(host, log));
        if (had) {
            audit.record(AuditOperation.UNTAG_KEY, auditKey, 1, null, null, EncryptionContext.EMPTY);
        }
        return had;
    }

    /**
     * Moves the log's checkpoint to its last record. A log found cut is reported (a warning and
     * an AUDIT_LOG_CUT event, once per checkpoint) but never fails the caller: maintenance and
     * close go on, and the verifier keeps reporting the cut.
     */
    void checkpoint(AuditDispatcher audit) {
        if (sink == null) {
            return;
        }
        try {
            sink.signIfDue(); // a quiet log's last records are signed within the interval and a maintenance run
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "kms-jca could not sign the audit log: " + e.getMessage());
        }
        try {
            sink.checkpoint(checkpoints);
        } catch (AuditLogCutException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            try {
                audit.record(AuditOperation.AUDIT_LOG_CUT, auditKey, 1, null, e, EncryptionContext.EMPTY);
            } catch (RuntimeException failed) {
                LOG.log(System.Logger.Level.WARNING, "could not record that the audit log was cut: " + failed.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "kms-jca could not keep the audit log's checkpoint: " + e.getMessage());
        }
    }
}
