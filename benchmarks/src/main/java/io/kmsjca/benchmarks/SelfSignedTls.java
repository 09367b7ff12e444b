package io.kmsjca.benchmarks;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

/**
 * A server certificate for {@code localhost}/{@code 127.0.0.1} made by the JDK's own
 * {@code keytool} (run as a process from this JVM's {@code java.home}), the server's
 * {@link SSLContext} from it, and the trust managers a client needs to trust it.
 */
final class SelfSignedTls {

    private static final char[] PASSWORD = "bench-only".toCharArray();
    /** The alias of the server's key and certificate in the PKCS12 store. */
    static final String ALIAS = "server";

    private final KeyStore keyStore;

    private SelfSignedTls(KeyStore keyStore) {
        this.keyStore = keyStore;
    }

    static SelfSignedTls create(Path dir) throws IOException, GeneralSecurityException, InterruptedException {
        return create(dir, List.of("-keyalg", "EC", "-groupname", "secp256r1"));
    }

    /** The same with the key {@code keyOptions} describe (keytool's, e.g. {@code -keyalg RSA -keysize 2048}). */
    static SelfSignedTls create(Path dir, List<String> keyOptions)
            throws IOException, GeneralSecurityException, InterruptedException {
        Path p12 = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS));
        command.addAll(keyOptions);
        command.addAll(List.of("-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", new String(PASSWORD)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASSWORD);
        }
        return new SelfSignedTls(ks);
    }

    /** The PKCS12 store holding the server's key and self-signed certificate under {@link #ALIAS}. */
    KeyStore keyStore() {
        return keyStore;
    }

    /** The PKCS12 store's password (and its key's); a copy. */
    static char[] password() {
        return PASSWORD.clone();
    }

    SSLContext serverContext() throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /** A client's context trusting this certificate alone. */
    SSLContext clientContext() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers(), null);
        return context;
    }

    TrustManager[] trustManagers() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(keyStore);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
