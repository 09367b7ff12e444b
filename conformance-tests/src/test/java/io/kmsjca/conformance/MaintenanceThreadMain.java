package io.kmsjca.conformance;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM that opens two stores with background maintenance every 50 ms, closes both, and
 * waits for the maintenance thread to end: prints {@code ended} if it does. A thread that
 * outlives every service would keep this JVM waiting (and the parent's bound would fail it).
 */
public final class MaintenanceThreadMain {

    public static void main(String[] args) throws Exception {
        KeyServiceOptions options = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ofMillis(50));
        KeyService first = KeyStores.openFile(Path.of(args[0], "a.kms"), "thread".toCharArray(), options);
        KeyService second = KeyStores.openFile(Path.of(args[0], "b.kms"), "thread".toCharArray(), options);
        Thread maintenance = maintenanceThread();
        first.close();
        second.close();
        maintenance.join();
        System.out.println(maintenanceThreadCount() == 0 ? "ended" : "another maintenance thread is running");
    }

    private static Thread maintenanceThread() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("kms-jca-maintenance"))
                .findFirst().orElseThrow(() -> new AssertionError("no maintenance thread while two services are open"));
    }

    private static long maintenanceThreadCount() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("kms-jca-maintenance")).count();
    }
}
