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
 *   <li>{@code configured-wrap ALIAS}: the configured store (load(null)), creating ALIAS if absent,
 *       prints a data key and its blob;</li>
 *   <li>{@code configured-unwrap ALIAS BLOB}: the configured store, prints the unwrapped key.</li>
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
                if (!ks.containsAlias(args[1])) {
                    ks.setKeyEntry(args[1], aes256(), null, null);
                }
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
                if (!ks.containsAlias(args[1])) {
                    ks.setKeyEntry(args[1], aes256(), null, null);
                }
                Key master = ks.getKey(args[1], null);
                SecretKey dataKey = aes256();
                while (true) {
                    wrap(master, dataKey);
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
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
