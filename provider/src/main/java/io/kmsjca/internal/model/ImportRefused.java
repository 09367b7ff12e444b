package io.kmsjca.internal.model;

import io.kmsjca.keys.ImportRefusedException;

/**
 * Thrown by an import transition of {@link MasterKey}: the key service reports it as an
 * {@link ImportRefusedException} of the same reason.
 */
public final class ImportRefused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final ImportRefusedException.Reason reason;

    public ImportRefused(ImportRefusedException.Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImportRefusedException.Reason reason() {
        return reason;
    }
}
