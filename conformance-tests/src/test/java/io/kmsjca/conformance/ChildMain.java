package io.kmsjca.conformance;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The program a child JVM runs to prove registration through {@code java.security} alone: it
 * names the key store type and the cipher, never a provider or a provider class.
 * <ul>
 *   <li>{@code memory}: a new in-memory store, a key, wrap and unwrap;</li>
 *   <li>{@code configured-wrap ALIAS PASSWORD}: the configured store (load(null)), creating ALIAS
 *       if absent through a KeyStore loaded with the store password, prints a data key and its blob;</li>
 *   <li>{@code configured-unwrap ALIAS BLOB}: the configured store, prints the unwrapped key;</li>
 *   <li>{@code configured-misuse ALIAS}: the configured store loaded from its password file alone,
 *       tries to export it, to add material to ALIAS, to delete ALIAS and to load with a wrong
 *       password, and prints how each ended; then wraps and unwraps under ALIAS.</li>
 * </ul>
 */
public final class ChildMain {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "memory" -> {
                KeyStore ks = KeyStore.getInstance("KMS");
                ks.load(null, null);
                ks.setKeyEntry("child", aes256(), null, null);
                SecretKey dataKey = aes256();
                byte[] blob = wrap(ks.getKey("child", null), dataKey);
                byte[] back = unwrap(ks.getKey("child", null), blob);
                System.out.println("provider=" + ks.getProvider().getName() + " cipher=" + Cipher.getInstance("KMSWrap").getProvider().getName()
                        + " roundtrip=" + java.util.Arrays.equals(back, dataKey.getEncoded()));
            }
            case "configured-wrap" -> {
                KeyStore ks = KeyStore.getInstance("KMS");
                ks.load(null);
                provision(ks, args[1], args[2]);
                SecretKey dataKey = aes256();
                System.out.println("key=" + HexFormat.of().formatHex(dataKey.getEncoded()));
                System.out.println("blob=" + Base64.getEncoder().encodeToString(wrap(ks.getKey(args[1], null), dataKey)));
            }
            case "configured-unwrap" -> {
                KeyStore ks = KeyStore.getInstance("KMS");
                ks.load(null);
                byte[] key = unwrap(ks.getKey(args[1], null), Base64.getDecoder().decode(args[2]));
                System.out.println("key=" + HexFormat.of().formatHex(key));
            }
            case "wrap-forever" -> {
                // until killed: the configured store, with its configured audit log
                KeyStore ks = KeyStore.getInstance("KMS");
                ks.load(null);
                provision(ks, args[1], args[2]);
                Key master = ks.getKey(args[1], null);
                SecretKey dataKey = aes256();
                while (true) {
                    wrap(master, dataKey);
                }
            }
            case "configured-misuse" -> {
                KeyStore ks = KeyStore.getInstance("KMS");
                ks.load(null); // the configured password file opens it
                System.out.println("store=" + outcome(() -> ks.store(new java.io.ByteArrayOutputStream(), "mine".toCharArray())));
                System.out.println("setKeyEntry=" + outcome(() -> ks.setKeyEntry(args[1], aes256(), null, null)));
                System.out.println("deleteEntry=" + outcome(() -> ks.deleteEntry(args[1])));
                KeyStore wrong = KeyStore.getInstance("KMS");
                System.out.println("loadWrong=" + outcome(() -> wrong.load(null, "wrong password".toCharArray())));
                SecretKey dataKey = aes256();
                byte[] back = unwrap(ks.getKey(args[1], null), wrap(ks.getKey(args[1], null), dataKey));
                System.out.println("roundtrip=" + java.util.Arrays.equals(back, dataKey.getEncoded()));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Creates ALIAS when absent, as an administrator does: through a KeyStore loaded with the store password. */
    private static void provision(KeyStore ks, String alias, String password) throws Exception {
        if (!ks.containsAlias(alias)) {
            KeyStore admin = KeyStore.getInstance("KMS");
            admin.load(null, password.toCharArray());
            admin.setKeyEntry(alias, aes256(), null, null);
        }
    }

    private interface Attempt {
        void run() throws Exception;
    }

    /** "done", or the exception's class and its cause's class: {@code IOException<-UnrecoverableKeyException}. */
    private static String outcome(Attempt attempt) {
        try {
            attempt.run();
            return "done";
        } catch (Exception e) {
            return e.getClass().getSimpleName() + (e.getCause() == null ? "" : "<-" + e.getCause().getClass().getSimpleName());
        }
    }

    private static SecretKey aes256() throws Exception {
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        return g.generateKey();
    }

    private static byte[] wrap(Key master, SecretKey dataKey) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap");
        c.init(Cipher.WRAP_MODE, master);
        return c.wrap(dataKey);
    }

    private static byte[] unwrap(Key master, byte[] blob) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap");
        c.init(Cipher.UNWRAP_MODE, master);
        return c.unwrap(blob, "AES", Cipher.SECRET_KEY).getEncoded();
    }
}
