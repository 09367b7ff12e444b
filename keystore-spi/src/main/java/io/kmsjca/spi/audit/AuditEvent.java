package io.kmsjca.spi.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One audited request. It never carries key material, plaintext, passwords or
 * encryption-context values: only the context's keys.
 *
 * @param eventId      unique per event
 * @param time         when the request was decided
 * @param operation    what was asked
 * @param keyId        the master key's id, or null where none was resolved (a store load)
 * @param keyVersion   the key version used, or 0 where none applies
 * @param alias        the alias the caller named, or null
 * @param principal    who asked
 * @param outcome      how it ended
 * @param errorClass   the exception's class name on DENIED/FAILED, else null
 * @param errorMessage the exception's message on DENIED/FAILED, else null
 * @param contextKeys  the encryption context's keys, sorted; never its values
 * @param destinationKeyId      for RE_ENCRYPT, the key the blob moved to; else null
 * @param destinationKeyVersion for RE_ENCRYPT, that key's version; else 0
 */
public record AuditEvent(UUID eventId, Instant time, AuditOperation operation, String keyId, int keyVersion,
                         String alias, String principal, AuditOutcome outcome, String errorClass,
                         String errorMessage, List<String> contextKeys, String destinationKeyId,
                         int destinationKeyVersion) {

    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(outcome, "outcome");
        contextKeys = List.copyOf(contextKeys);
        if ((outcome == AuditOutcome.SUCCESS) != (errorClass == null)) {
            throw new IllegalArgumentException("errorClass is set exactly when the outcome is not SUCCESS");
        }
    }
}
