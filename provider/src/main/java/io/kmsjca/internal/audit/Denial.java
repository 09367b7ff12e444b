package io.kmsjca.internal.audit;

/**
 * Marks an exception that refuses a request by rule (a key's state, who manages it), as
 * opposed to one that reports a failure. Audit records these as DENIED.
 */
public interface Denial {
}
