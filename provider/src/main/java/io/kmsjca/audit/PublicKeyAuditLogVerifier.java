package io.kmsjca.audit;

import io.kmsjca.internal.audit.SignedChainVerifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Verifies an audit log with the store's public {@link AuditVerificationKey} alone: no password,
 * no key store, no secret of any kind, so an auditor who runs it can check the log but not forge
 * it. It checks the hash chain of the whole log (rotated files included), its sequence numbers
 * and every signature record, and reports the records after the last signature as not yet signed
 * ({@link Report#unsignedRecords()}): not an error while the log is being written, but nothing
 * vouches for them. A log without any signature is reported {@link Problem#UNSIGNED}.
 *
 * <p>What it cannot see: records cut from the end of the log, with or without the signatures
 * among them (the log then looks shorter but consistent; the store's checkpoint, checked by
 * {@code KeyService.auditLogVerifier()}, finds that), and changes to the records after the last
 * signature. docs/audit.md, "Verifying without a secret".
 */
public final class PublicKeyAuditLogVerifier implements AuditLogVerifier {

    private final SignedChainVerifier verifier;

    /** A verifier that trusts signatures by {@code key} and nothing else. */
    public PublicKeyAuditLogVerifier(AuditVerificationKey key) {
        this.verifier = new SignedChainVerifier(Objects.requireNonNull(key, "key"));
    }

    /** @throws java.nio.file.NoSuchFileException neither {@code log} nor a rotated file of it exists */
    @Override
    public Report verify(Path log) throws IOException {
        return verifier.verify(log);
    }

    /** As {@link #verify(Path)}: the host matters only to the store's checkpoints, which this verifier does not read. */
    @Override
    public Report verify(Path log, String host) throws IOException {
        return verifier.verify(log);
    }
}
