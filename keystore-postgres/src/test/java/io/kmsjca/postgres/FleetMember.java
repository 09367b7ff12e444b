package io.kmsjca.postgres;

import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KmsKeyStores;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;

/**
 * One JVM of a fleet, configured only through a {@code java.security} file that names the KMS
 * provider with a configuration file pointing at PostgreSQL. It answers one line per command
 * read from standard input (see {@link FleetTest}); args: the store password file, or {@code -} when
 * the configuration names a key file (then only the wrap and unwrap commands work).
 */
public final class FleetMember {

    private FleetMember() {
    }

    public static void main(String[] args) throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS"); // the provider comes from java.security alone
        ks.load(null, null); // the configured store, with the configured password file or key file
        // with a key file (credential.file) the member only uses keys, as the key file's principal
        KeyService keys = args[0].equals("-") ? null
                : KmsKeyStores.keyService(ks, Files.readString(Path.of(args[0])).strip().toCharArray());
        System.out.println("ready " + ks.getProvider().getName());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
            String[] c = line.split(" ");
            String reply;
            try {
                reply = "ok " + run(ks, keys, c);
            } catch (Exception e) {
                reply = "error " + e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ');
            }
            System.out.println(reply);
        }
        if (keys != null) {
            keys.close();
        }
    }

    private static String run(KeyStore ks, KeyService keys, String[] c) throws Exception {
        String alias = c.length > 1 ? c[1] : null;
        switch (c[0]) {
            case "create" -> {
                return keys.createKey(alias, "fleet").keyId().toString();
            }
            case "rotate" -> {
                return Integer.toString(keys.rotateKeyOnDemand(alias));
            }
            case "rotate-at" -> {
                long wait = Long.parseLong(c[2]) - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                return Integer.toString(keys.rotateKeyOnDemand(alias));
            }
            case "disable" -> {
                keys.disableKey(alias);
                return "";
            }
            case "versions" -> {
                return Integer.toString(keys.describeKey(alias).versionCount());
            }
            case "wrap" -> {
                byte[] blob = wrap(ks, alias);
                return WrappedKeyBlob.keyVersion(blob) + " " + Base64.getEncoder().encodeToString(blob);
            }
            case "wrap-many" -> {
                int ok = 0;
                int failed = 0;
                for (int i = 0; i < Integer.parseInt(c[2]); i++) {
                    try {
                        wrap(ks, alias);
                        ok++;
                    } catch (Exception e) {
                        failed++;
                    }
                }
                return ok + " " + failed;
            }
            case "unwrap" -> {
                Cipher cipher = Cipher.getInstance("KMSWrap");
                cipher.init(Cipher.UNWRAP_MODE, ks.getKey(alias, null));
                Key k = cipher.unwrap(Base64.getDecoder().decode(c[2]), "AES", Cipher.SECRET_KEY);
                return k.getAlgorithm();
            }
            case "await-key" -> {
                return Long.toString(millisUntil(() -> keys.findKey(alias).isPresent()));
            }
            case "await-version" -> {
                int version = Integer.parseInt(c[2]);
                return Long.toString(millisUntil(() -> WrappedKeyBlob.keyVersion(wrap(ks, alias)) >= version));
            }
            case "await-refused" -> {
                return Long.toString(millisUntil(() -> {
                    try {
                        wrap(ks, alias);
                        return false;
                    } catch (java.security.InvalidKeyException refused) {
                        return true;
                    }
                }));
            }
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        }
    }

    private static byte[] wrap(KeyStore ks, String alias) throws Exception {
        Cipher cipher = Cipher.getInstance("KMSWrap");
        cipher.init(Cipher.WRAP_MODE, ks.getKey(alias, null));
        return cipher.wrap(new SecretKeySpec(new byte[32], "AES"));
    }

    @FunctionalInterface
    private interface Check {
        boolean test() throws Exception;
    }

    /** Milliseconds until {@code check} holds (polled every 2 ms), at most 10 s. */
    private static long millisUntil(Check check) throws Exception {
        long start = System.nanoTime();
        while (!check.test()) {
            if (System.nanoTime() - start > 10_000_000_000L) {
                throw new IllegalStateException("not within 10 s");
            }
            Thread.sleep(2);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
