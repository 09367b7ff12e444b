package io.kmsjca.spi.audit;

/** How an audited request ended. */
public enum AuditOutcome {
    /** It did what was asked. */
    SUCCESS,
    /** It was refused by a rule: the key's state, its usage, a policy. */
    DENIED,
    /** It was attempted and failed: bad input, failed authentication, an I/O error. */
    FAILED
}
