package io.kmsjca.internal.remote;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review of the remote client (#18), found sound: with a configured trust store the
 * client still verifies the server's name. A certificate it trusts, but issued for another name,
 * is refused; the same server with a certificate for its address is accepted (the control).
 */
class RemoteTlsReviewTest {

    @TempDir
    Path dir;

    @Test
    void sound_aTrustedCertificateForAnotherName_isRefused() throws Exception {
        String other = connect("other", "san=dns:kms.other.example");
        assertTrue(other.startsWith("refused"), other);
        assertEquals("answered", connect("right", "san=ip:127.0.0.1"));
    }

    /** Serves one HTTPS answer with a new self-signed certificate ({@code san}) the client trusts. */
    private String connect(String name, String san) throws Exception {
        Path p12 = dir.resolve(name + ".p12");
        Path pem = dir.resolve(name + ".pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", san, "-validity", "2", "-keystore", p12.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(pem)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        try (SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5,
                InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> answer(ss), "tls-kms");
            t.setDaemon(true);
            t.start();
            RemoteSettings settings = RemoteSettings.of("https://127.0.0.1:" + ss.getLocalPort(), "eu-west-1",
                    "AKIAKMSJCATEST0001", "kms-jca-test-secret/0123".getBytes(StandardCharsets.UTF_8))
                    .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), 1, Duration.ZERO)
                    .withTrusted(List.of(cert));
            RemoteKeyService service = RemoteKeyService.open(settings);
            try {
                service.checkConnection();
                return "answered";
            } catch (IOException e) {
                Throwable c = e.getCause() == null ? null : e.getCause().getCause();
                assertInstanceOf(SSLHandshakeException.class, c, e.toString());
                return "refused: " + c.getMessage();
            } finally {
                service.close();
            }
        }
    }

    private static void answer(SSLServerSocket ss) {
        try (Socket s = ss.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            int c;
            while (state < 4 && (c = in.read()) >= 0) {
                head.write(c);
                state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            String h = head.toString(StandardCharsets.US_ASCII).toLowerCase(java.util.Locale.ROOT);
            int at = h.indexOf("content-length:");
            int length = Integer.parseInt(h.substring(at + 15, h.indexOf('\r', at)).trim());
            in.readNBytes(length);
            byte[] body = "{\"Aliases\":[]}".getBytes(StandardCharsets.US_ASCII);
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: " + body.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            // the client refused the handshake
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
    }
}
