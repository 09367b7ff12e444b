package io.kmsjca.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Closing the last key service ends the JVM's maintenance thread (issue #15): nothing is left
 * running in an application that closed its stores (an undeployed web application, say). In a
 * child JVM, so no other test's open service keeps the thread busy.
 */
class MaintenanceThreadTest {

    @TempDir
    Path dir;

    @Test
    void closingEveryService_endsTheMaintenanceThread() throws Exception {
        ChildJvm.Result child = ChildJvm.java(List.of(), MaintenanceThreadMain.class, dir.toString());
        assertEquals(0, child.exitCode(), child.all());
        assertEquals("ended", child.stdout().strip(), child.all());
    }
}
