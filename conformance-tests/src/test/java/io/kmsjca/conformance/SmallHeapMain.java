package io.kmsjca.conformance;

import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;

import java.nio.file.Path;
import java.security.KeyStore;

/**
 * What a child JVM with a small {@code -Xmx} runs: loads the key store file {@code args[0]}
 * (password {@code args[1]}) through the JCA, prints "loaded" or the failure and its causes.
 */
public final class SmallHeapMain {

    public static void main(String[] args) throws Exception {
        try {
            KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider());
            ks.load(KmsLoadParameter.file(Path.of(args[0]), args[1].toCharArray()));
            System.out.println("loaded " + ks.size());
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                System.err.println(t.getClass().getName() + ": " + t.getMessage());
            }
            System.exit(1);
        }
    }
}
