package io.kmsjca.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS with a certificate made by the JDK's own {@code keytool -genkeypair} (run as a process from
 * the running JVM's java.home), presented by the server from the PKCS#12 file, and trusted by the
 * AWS SDK's Apache client through a custom trust manager.
 */
class KmsServerTlsTest {

    static final char[] P12_PASSWORD = "changeit".toCharArray();

    @TempDir
    Path dir;
    ServerFixture fixture;
    Path p12;

    @BeforeEach
    void setUp() throws Exception {
        p12 = dir.resolve("server.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "kms-server", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", new String(P12_PASSWORD), "-keypass", new String(P12_PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
        assertEquals(0, p.exitValue(), output);
        fixture = new ServerFixture(dir).start(b -> {
            try {
                return b.tls(TlsContexts.fromPkcs12(p12, P12_PASSWORD));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    /** A trust manager that trusts exactly the server's certificate. */
    TrustManagerFactory trustingTheServer() throws Exception {
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            server.load(in, P12_PASSWORD);
        }
        Certificate cert = server.getCertificate("kms-server");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("kms-server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    @Test
    void theSdkTalksToTheServerOverHttps() throws Exception {
        assertEquals("https", fixture.server.endpoint().getScheme());
        TrustManagerFactory tmf = trustingTheServer();
        KmsClient kms = fixture.client(fixture.alice, fixture.server.endpoint(),
                ApacheHttpClient.builder().tlsTrustManagersProvider(tmf::getTrustManagers));
        String key = kms.createKey(b -> b.description("over TLS")).keyMetadata().keyId();
        SdkBytes blob = kms.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("over the wire"))).ciphertextBlob();
        assertEquals("over the wire", kms.decrypt(b -> b.ciphertextBlob(blob)).plaintext().asUtf8String());
        assertEquals(List.of(key), kms.listKeys(b -> { }).keys().stream().map(k -> k.keyId()).toList());
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefusedTheHandshake() {
        KmsClient untrusting = fixture.client(fixture.alice, fixture.server.endpoint(), ApacheHttpClient.builder());
        var e = assertThrows(SdkClientException.class, () -> untrusting.listKeys(b -> { }));
        Throwable t = e;
        while (t != null && !(t instanceof SSLHandshakeException)) {
            t = t.getCause();
        }
        assertTrue(t instanceof SSLHandshakeException, String.valueOf(e));
    }
}
