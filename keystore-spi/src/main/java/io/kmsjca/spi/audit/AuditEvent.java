package io.kmsjca.spi.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One audited request, after the model of an AWS KMS CloudTrail record. It never carries key
 * material, plaintext or passwords; encryption-context values are either hashed (salted
 * HMAC-SHA256, the default) or, if configured, in plain.
 *
 * @param eventId               unique per event
 * @param time                  when the request was decided
 * @param operation             what was asked
 * @param keyId                 the master key's id, or null where none was resolved (a store load)
 * @param keyVersion            the key version used, or 0 where none applies
 * @param alias                 the alias the caller named, or null
 * @param principal             who asked
 * @param principalSource       where {@code principal} came from: {@code subject} (the caller's
 *                              {@code javax.security.auth.Subject}), {@code run-as} (the scoped
 *                              API), {@code os-user}, or {@code credential} (the credential
 *                              the store was opened with named it, whatever the caller asserted)
 * @param outcome               how it ended
 * @param errorClass            the exception's class name on DENIED/FAILED, else null
 * @param errorMessage          the exception's message on DENIED/FAILED, else null
 * @param encryptionContext     the encryption context: keys in plain, values as
 *                              {@code hmac-sha256:HEX} (or in plain if so configured); sorted
 * @param requestId             groups the events of one request: the caller's (scoped API), or null
 *                              for a request that named none, whose id is then this event's own
 *                              text ({@link #requestId()} never returns null; it makes that text
 *                              when read, so the request's thread does not)
 * @param providerInstance      the key store instance that decided (random per open store)
 * @param host                  the host it ran on
 * @param destinationKeyId      for RE_ENCRYPT, the key the blob moved to; else null
 * @param destinationKeyVersion for RE_ENCRYPT, that key's version; else 0
 * @param durationNanos         how long the request took, in nanoseconds, or -1 when it was not
 *                              timed: requests are timed only once a listener asks for it
 *                              ({@link AuditListener#wantsDurations()}), and only those an engine
 *                              runs (wrap, unwrap, encrypt, decrypt, data keys, sign, verify, MAC,
 *                              key agreement, data key pairs); never written to the audit log
 */
public record AuditEvent(UUID eventId, Instant time, AuditOperation operation, String keyId, int keyVersion,
                         String alias, String principal, String principalSource, AuditOutcome outcome,
                         String errorClass, String errorMessage, Map<String, String> encryptionContext,
                         String requestId, String providerInstance, String host, String destinationKeyId,
                         int destinationKeyVersion, long durationNanos) {

    /** An event of a request that was not timed ({@code durationNanos} -1). */
    public AuditEvent(UUID eventId, Instant time, AuditOperation operation, String keyId, int keyVersion,
                      String alias, String principal, String principalSource, AuditOutcome outcome,
                      String errorClass, String errorMessage, Map<String, String> encryptionContext,
                      String requestId, String providerInstance, String host, String destinationKeyId,
                      int destinationKeyVersion) {
        this(eventId, time, operation, keyId, keyVersion, alias, principal, principalSource, outcome, errorClass,
                errorMessage, encryptionContext, requestId, providerInstance, host, destinationKeyId,
                destinationKeyVersion, -1);
    }

    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(principalSource, "principalSource");
        Objects.requireNonNull(outcome, "outcome");
        encryptionContext = encryptionContext.isEmpty() ? Map.of() // most events: no copy to make
                : java.util.Collections.unmodifiableMap(new TreeMap<>(encryptionContext));
        if ((outcome == AuditOutcome.SUCCESS) != (errorClass == null)) {
            throw new IllegalArgumentException("errorClass is set exactly when the outcome is not SUCCESS");
        }
        if (durationNanos < -1) {
            throw new IllegalArgumentException("durationNanos is -1 (not timed) or at least 0, not " + durationNanos);
        }
    }

    /** The id that groups the events of one request: the caller's, or this event's own when it named none. */
    @Override
    public String requestId() {
        return requestId != null ? requestId : eventId.toString();
    }

    /**
     * Equal when every component's accessor is: an event built with a null request id equals one
     * built with its event id's text, as their {@link #requestId()} are the same.
     */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof AuditEvent e
                && eventId.equals(e.eventId) && time.equals(e.time) && operation == e.operation
                && Objects.equals(keyId, e.keyId) && keyVersion == e.keyVersion && Objects.equals(alias, e.alias)
                && principal.equals(e.principal) && principalSource.equals(e.principalSource) && outcome == e.outcome
                && Objects.equals(errorClass, e.errorClass) && Objects.equals(errorMessage, e.errorMessage)
                && encryptionContext.equals(e.encryptionContext) && requestId().equals(e.requestId())
                && Objects.equals(providerInstance, e.providerInstance) && Objects.equals(host, e.host)
                && Objects.equals(destinationKeyId, e.destinationKeyId)
                && destinationKeyVersion == e.destinationKeyVersion && durationNanos == e.durationNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, time, operation, keyId, keyVersion, alias, principal, principalSource, outcome,
                errorClass, errorMessage, encryptionContext, requestId(), providerInstance, host, destinationKeyId,
                destinationKeyVersion, durationNanos);
    }

    @Override
    public String toString() {
        return "AuditEvent[eventId=" + eventId + ", time=" + time + ", operation=" + operation + ", keyId=" + keyId
                + ", keyVersion=" + keyVersion + ", alias=" + alias + ", principal=" + principal
                + ", principalSource=" + principalSource + ", outcome=" + outcome + ", errorClass=" + errorClass
                + ", errorMessage=" + errorMessage + ", encryptionContext=" + encryptionContext
                + ", requestId=" + requestId() + ", providerInstance=" + providerInstance + ", host=" + host
                + ", destinationKeyId=" + destinationKeyId + ", destinationKeyVersion=" + destinationKeyVersion
                + ", durationNanos=" + durationNanos + "]";
    }

    /** The encryption context's keys, sorted. */
    public List<String> contextKeys() {
        return List.copyOf(encryptionContext.keySet());
    }
}
