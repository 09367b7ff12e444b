package io.kmsjca.conformance;

import io.kmsjca.crypto.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeyStores;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Run in a child JVM until killed: creates, rotates and imports keys on a live file store, and
 * prints each change only after its call returned ("acknowledged"), so the parent knows what
 * must survive a SIGKILL at any moment.
 */
public final class StoreTortureMain {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        KeyService keys = KeyStores.openFile(file, "torture".toCharArray(), KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO));
        List<String> aliases = new ArrayList<>(keys.aliases());
        System.out.println("READY");
        System.out.flush();
        while (true) {
            int op = aliases.isEmpty() ? 0 : random.nextInt(3);
            if (op == 0) {
                String alias = "t" + Long.toHexString(random.nextLong());
                String id = keys.createKey(alias, "torture").keyId().toString();
                aliases.add(alias);
                acknowledge(id, 1);
            } else if (op == 1) {
                String alias = aliases.get(random.nextInt(aliases.size()));
                int version = keys.rotateKeyOnDemand(alias);
                acknowledge(keys.describeKey(alias).keyId().toString(), version);
            } else {
                String alias = aliases.get(random.nextInt(aliases.size()));
                byte[] material = new byte[32];
                random.nextBytes(material);
                keys.importKeyMaterial(alias, material); // the key's next version
                var meta = keys.describeKey(alias);
                acknowledge(meta.keyId().toString(), meta.versionCount());
            }
        }
    }

    private static void acknowledge(String id, int version) {
        System.out.println("ACK " + id + " " + version);
        System.out.flush();
    }
}
