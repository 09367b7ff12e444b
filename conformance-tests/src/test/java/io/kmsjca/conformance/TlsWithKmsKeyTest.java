package io.kmsjca.conformance;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static io.kmsjca.conformance.AsymmetricFixtures.withKmsInstalled;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * A real TLS handshake over a socket: a JDK server whose key manager reads a KMS key store (its
 * private key never leaves KMS), a JDK client that trusts the server's certificate. TLS 1.3 and 1.2,
 * RSA and EC keys, both of the JDK's key manager factories; the audit trail shows the server's
 * handshake signature was made by KMS.
 */
class TlsWithKmsKeyTest {

    static Stream<Arguments> handshakes() {
        return Stream.of("PKIX", "SunX509").flatMap(kmf -> Stream.of("TLSv1.3", "TLSv1.2").flatMap(protocol ->
                Stream.of(arguments(kmf, protocol, KeySpec.ECC_NIST_P256, "SHA256withECDSA"),
                        arguments(kmf, protocol, KeySpec.RSA_2048, "SHA256withRSA"))));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("handshakes")
    void aJdkClient_completesAHandshake_withAServerWhoseKeyIsInKms(String kmfAlgorithm, String protocol, KeySpec spec,
                                                                  String certSignature) throws Exception {
        var store = AsymmetricFixtures.newStore();
        KmsPrivateKeyHandle key = store.create("server", spec);
        withKmsInstalled(0, () -> {
            X509Certificate cert = AsymmetricFixtures.selfSigned(key, "localhost", certSignature);
            store.keyStore().setKeyEntry("server", key, null, new Certificate[] {cert});
            long signedBefore = store.events(AuditOperation.SIGN, AuditOutcome.SUCCESS, key);

            KeyManagerFactory kmf = KeyManagerFactory.getInstance(kmfAlgorithm);
            kmf.init(store.keyStore(), "unused".toCharArray());
            SSLContext serverContext = SSLContext.getInstance("TLS");
            serverContext.init(kmf.getKeyManagers(), null, null);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("server", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(trust);
            SSLContext clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, tmf.getTrustManagers(), null);

            try (SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                    .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                server.setEnabledProtocols(new String[] {protocol});
                CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> echoOnce(server));
                try (SSLSocket client = (SSLSocket) clientContext.getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    client.setSoTimeout(60_000); // a hang fails the test instead of stalling the build
                    client.setEnabledProtocols(new String[] {protocol});
                    client.startHandshake();
                    assertEquals(protocol, client.getSession().getProtocol());
                    assertEquals(cert, client.getSession().getPeerCertificates()[0]);
                    client.getOutputStream().write(42);
                    client.getOutputStream().flush();
                    assertEquals(42, client.getInputStream().read());
                }
                assertEquals(42, served.join());
            }
            assertTrue(store.events(AuditOperation.SIGN, AuditOutcome.SUCCESS, key) > signedBefore,
                    "the server's handshake signature was made by KMS (audited)");
        });
    }

    private static int echoOnce(SSLServerSocket server) {
        try (SSLSocket s = (SSLSocket) server.accept()) {
            s.setSoTimeout(60_000);
            int b = s.getInputStream().read();
            s.getOutputStream().write(b);
            s.getOutputStream().flush();
            return b;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
