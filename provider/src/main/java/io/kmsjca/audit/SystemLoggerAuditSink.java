package io.kmsjca.audit;

import io.kmsjca.internal.audit.AuditJson;

import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditListener;

/**
 * Sends each event, as one JSON object, to {@code System.Logger} "io.kmsjca.audit" at INFO, for
 * platforms that ship logs (java.util.logging by default; SLF4J or Log4j through their
 * {@code System.LoggerFinder} bridges). Enable with {@code audit.systemLogger=true}.
 */
public final class SystemLoggerAuditSink implements AuditListener {

    private static final System.Logger LOG = System.getLogger("io.kmsjca.audit");

    @Override
    public void onEvent(AuditEvent event) {
        LOG.log(System.Logger.Level.INFO, AuditJson.toJson(event));
    }
}
