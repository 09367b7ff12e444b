package io.kmsjca.conformance;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One of several processes writing one store file at once: {@code threads} threads each create
 * {@code keys} keys named NAME-THREAD-I and rotate the shared key {@code rotations} times.
 */
public final class StoreWriterMain {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String name = args[1];
        int threads = Integer.parseInt(args[2]);
        int keys = Integer.parseInt(args[3]);
        int rotations = Integer.parseInt(args[4]);
        KeyService service = KeyStores.openFile(file, "shared".toCharArray(), KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO));
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int me = t;
            Thread w = new Thread(() -> {
                try {
                    for (int i = 0; i < Math.max(keys, rotations); i++) {
                        if (i < keys) {
                            service.createKey(name + "-" + me + "-" + i, "");
                        }
                        if (i < rotations) {
                            System.out.println("ROTATED " + service.rotateKeyOnDemand("shared"));
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (!failures.isEmpty()) {
            failures.get(0).printStackTrace();
            System.exit(1);
        }
        System.out.println("WROTE " + name);
    }
}
