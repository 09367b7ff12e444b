package io.kmsjca.conformance;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API boundary (issue #16, docs/architecture.md): a child JVM with kms-jca on the module
 * path, as an application that uses modules sees it. The provider is a named module that exports
 * its three API packages and nothing else; JCA finds it through {@code ServiceLoader} and runs its
 * services from a package it does not export; a class of {@code io.kmsjca.internal} refuses to be
 * called or opened. The rest of the suite runs on the class path, where a module boundary does
 * not apply: this test is the one that would fail if {@code module-info.java} exported an internal
 * package, were removed, or if the provider needed reflection into a package it does not export.
 */
class ModuleBoundaryTest {

    @Test
    void providerModule_exportsTheApiOnly_andRunsItsServicesFromInternalPackages() throws Exception {
        List<String> modulePath = new ArrayList<>();
        List<String> classPath = new ArrayList<>();
        for (String entry : ChildJvm.classPath().split(File.pathSeparator)) {
            String e = entry.replace(File.separatorChar, '/');
            if (e.matches(".*/(provider|keystore-spi)/target/(classes|[\\w.-]+\\.jar)") && !e.endsWith("-tests.jar")
                    || e.contains("/bcprov-jdk18on")) {
                modulePath.add(entry);
            } else if (e.endsWith("conformance-tests/target/test-classes")) {
                classPath.add(entry);
            }
        }
        assertEquals(3, modulePath.size(), "provider, keystore-spi and Bouncy Castle on the test class path: " + modulePath);
        assertEquals(1, classPath.size());

        var result = ChildJvm.run(List.of(ChildJvm.javaHomeTool("java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath), "--add-modules", "io.kmsjca.provider",
                "-cp", classPath.get(0), ModuleBoundaryMain.class.getName()), null);
        assertEquals(0, result.exitCode(), "module path " + modulePath + ": " + result.all());
        List<String> lines = Arrays.asList(result.stdout().split("\n"));
        assertEquals(List.of(
                "module=io.kmsjca.provider",
                // the API, and to the server module alone what it shares with the provider (docs/architecture.md)
                "exports=[io.kmsjca.audit, io.kmsjca.internal.crypto to [io.kmsjca.server], "
                        + "io.kmsjca.internal.format to [io.kmsjca.server], io.kmsjca.internal.json to [io.kmsjca.server], "
                        + "io.kmsjca.internal.sigv4 to [io.kmsjca.server], io.kmsjca.keys, io.kmsjca.provider]",
                "spi-exports=[io.kmsjca.spi, io.kmsjca.spi.audit, io.kmsjca.spi.file to [io.kmsjca.cli, io.kmsjca.provider], "
                        + "io.kmsjca.spi.internal to [io.kmsjca.cli, io.kmsjca.postgres, io.kmsjca.provider, io.kmsjca.spring]]",
                "roundtrip=true cipher-provider=KMS",
                "internal-module=io.kmsjca.provider",
                "internal=refused",
                "internal-reflection=refused InaccessibleObjectException"), lines, result.all());
        assertTrue(result.stderr().isEmpty(), result.stderr());
    }
}
