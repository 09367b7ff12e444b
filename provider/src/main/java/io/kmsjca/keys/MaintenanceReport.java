package io.kmsjca.keys;

import java.util.List;

/**
 * What one maintenance run did. Failures name the key and the reason; each was also audited.
 *
 * @param materialExpired keys of origin EXTERNAL whose imported material reached its ValidTo and was deleted
 */
public record MaintenanceReport(int rotated, int destroyed, int usagePersisted, List<String> failures,
                                int materialExpired) {
    public MaintenanceReport {
        failures = List.copyOf(failures);
    }

    public MaintenanceReport(int rotated, int destroyed, int usagePersisted, List<String> failures) {
        this(rotated, destroyed, usagePersisted, failures, 0);
    }
}
