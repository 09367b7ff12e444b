package io.kmsjca.keys;

import java.util.List;

/** What one maintenance run did. Failures name the key and the reason; each was also audited. */
public record MaintenanceReport(int rotated, int destroyed, int usagePersisted, List<String> failures) {
    public MaintenanceReport {
        failures = List.copyOf(failures);
    }
}
