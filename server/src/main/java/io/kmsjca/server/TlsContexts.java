package io.kmsjca.server;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;

/** The server's TLS context from a PKCS#12 file holding its private key and certificate chain (keytool -genkeypair, or a CA's). */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * A TLS context that presents the one key entry of {@code file}.
     *
     * @throws IOException              the file cannot be read, or the password does not open it
     * @throws GeneralSecurityException it holds no private key entry, or more than one
     */
    public static SSLContext fromPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        long keys = Collections.list(ks.aliases()).stream().filter(a -> isKey(ks, a)).count();
        if (keys != 1) {
            throw new GeneralSecurityException(file + " holds " + keys + " private key entries; the server needs exactly one");
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static boolean isKey(KeyStore ks, String alias) {
        try {
            return ks.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
