package io.kmsjca.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One decided request of a key store, as JDK Flight Recorder and Mission Control show it: the
 * same requests, operations and outcomes as the audit trail (docs/audit.md), with how long the
 * request took where an engine timed it (wrap, unwrap, envelope key wrapping). It holds names
 * only: never key material, an encryption context's values, or an error's message. Created only
 * through {@link KeyOperationEvents}, which allocates nothing when no recording wants it.
 */
@Name(KeyOperationEvent.NAME)
@Label("Key Operation")
@Category("kms-jca")
@Description("A request to a kms-jca key store: operation, key, version and outcome; never key material or context values")
@StackTrace(false)
public final class KeyOperationEvent extends Event {

    /** The event's name in recordings ({@code jfr print --events io.kmsjca.KeyOperation}). */
    public static final String NAME = "io.kmsjca.KeyOperation";

    @Label("Operation")
    @Description("The audited operation, as AuditOperation names it (WRAP_KEY, UNWRAP_KEY, ENCRYPT, ROTATE_KEY, ...)")
    String operation;

    @Label("Key Id")
    @Description("The master key's id, or empty for a request about the whole store")
    String keyId;

    @Label("Key Version")
    @Description("The key version used, or 0 where none applies")
    int keyVersion;

    @Label("Alias")
    @Description("The alias the caller named the key by, if any")
    String alias;

    @Label("Outcome")
    @Description("SUCCESS, DENIED (refused by the key's state or manager) or FAILED")
    String outcome;

    @Label("Error Class")
    @Description("The class of the error for DENIED and FAILED; its message is left out")
    String errorClass;

    @Label("Store Instance")
    @Description("The open key store's instance id, as audit events carry it")
    String storeInstance;

    @Label("Request Id")
    @Description("The request id the caller set with KmsAuditContext, if any")
    String requestId;

    KeyOperationEvent() {
    }
}
