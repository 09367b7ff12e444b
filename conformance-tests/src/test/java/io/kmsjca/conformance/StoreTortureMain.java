package io.kmsjca.conformance;

import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Run in a child JVM until killed: creates, rotates and imports keys on a live file store, and
 * prints each change only after its call returned ("acknowledged": key id, version, alias, and
 * for an import a data key wrapped under the imported version), so the parent knows what must
 * survive a SIGKILL at any moment.
 */
public final class StoreTortureMain {

    /** The data key each import's acknowledgement carries, wrapped under the imported material. */
    static final byte[] DATA_KEY = new byte[32];

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        KeyService keys = KeyStores.openFile(file, "torture".toCharArray(), KeyServiceOptions.defaults()
                .withKdf(Argon2Params.insecureForTests()).withMaintenanceInterval(Duration.ZERO));
        List<String> aliases = new ArrayList<>(keys.listAliases().stream().map(KeyAlias::alias).toList());
        javax.crypto.Cipher wrapper = javax.crypto.Cipher.getInstance("KMSWrap", new io.kmsjca.provider.KmsProvider());
        System.out.println("READY"); // the provider is loaded first: the time between kills goes to changes
        System.out.flush();
        while (true) {
            int op = aliases.isEmpty() ? 0 : random.nextInt(3);
            if (op == 0) {
                String alias = "t" + Long.toHexString(random.nextLong());
                String id = keys.createKey(alias, "torture").keyId().toString();
                aliases.add(alias);
                acknowledge(id, 1, alias, "");
            } else if (op == 1) {
                String alias = aliases.get(random.nextInt(aliases.size()));
                int version = keys.rotateKeyOnDemand(alias);
                acknowledge(keys.describeKey(alias).keyId().toString(), version, alias, "");
            } else {
                String alias = aliases.get(random.nextInt(aliases.size()));
                byte[] material = new byte[32];
                random.nextBytes(material);
                var key = keys.importKeyMaterial(alias, material); // the key's next version
                var meta = keys.describeKey(alias);
                acknowledge(meta.keyId().toString(), meta.versionCount(), alias, " " + java.util.HexFormat.of().formatHex(wrap(wrapper, key)));
            }
        }
    }

    private static byte[] wrap(javax.crypto.Cipher c, java.security.Key key) throws Exception {
        c.init(javax.crypto.Cipher.WRAP_MODE, key);
        return c.wrap(new javax.crypto.spec.SecretKeySpec(DATA_KEY, "AES"));
    }

    private static void acknowledge(String id, int version, String alias, String importedBlob) {
        System.out.println("ACK " + id + " " + version + " " + alias + importedBlob);
        System.out.flush();
    }
}
