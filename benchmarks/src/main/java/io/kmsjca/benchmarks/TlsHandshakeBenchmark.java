package io.kmsjca.benchmarks;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.provider.KmsLoadParameter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A full TLS 1.3 handshake between two in-memory {@code SSLEngine}s (no sockets: the records go
 * through byte buffers, {@link InMemoryHandshake}), the server's key and certificate (made by
 * keytool) from a PKCS12 key store, against the same key and certificate imported into a KMS key
 * store, each through a {@code KeyManagerFactory} of the JDK's default algorithm, in the same run
 * (issue #19's target: at most 1.1x). A new client and server engine per handshake, created with
 * no peer host, so there is no session resumption: every handshake is a full one with a
 * {@code CertificateVerify} signed by the server's key. Client and server run on the benchmark
 * thread, so the time is both sides' work.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
@State(Scope.Thread)
public class TlsHandshakeBenchmark {

    /** The server key: EC P-256 ({@code ecdsa_secp256r1_sha256}) or RSA-2048 ({@code rsa_pss_rsae_sha256}). */
    @Param({"EC", "RSA"})
    public String key;

    private Path dir;
    private KeyService keys;
    private InMemoryHandshake pkcs12;
    private InMemoryHandshake kms;

    @Setup
    public void setUp() throws Exception {
        BenchStores.install();
        dir = Files.createTempDirectory("kms-tls-bench");
        SelfSignedTls tls = SelfSignedTls.create(dir, switch (key) {
            case "EC" -> List.of("-keyalg", "EC", "-groupname", "secp256r1");
            case "RSA" -> List.of("-keyalg", "RSA", "-keysize", "2048");
            default -> throw new IllegalArgumentException(key);
        });
        KeyStore p12 = tls.keyStore();
        char[] password = SelfSignedTls.password();
        SSLContext client = tls.clientContext();

        keys = BenchStores.service();
        PrivateKey raw = (PrivateKey) p12.getKey(SelfSignedTls.ALIAS, password);
        Certificate[] chain = p12.getCertificateChain(SelfSignedTls.ALIAS);
        keys.importKeyPair(SelfSignedTls.ALIAS, KeyUsage.SIGN_VERIFY, raw,
                Arrays.stream(chain).map(X509Certificate.class::cast).toList());
        KeyStore kmsStore = KeyStore.getInstance("KMS", BenchStores.PROVIDER);
        kmsStore.load(KmsLoadParameter.of(keys));

        pkcs12 = new InMemoryHandshake(client, serverContext(p12, password));
        kms = new InMemoryHandshake(client, serverContext(kmsStore, password));
        Arrays.fill(password, '\0');

        // both must complete a full handshake with the server's certificate, and twice (no state kept that breaks it)
        for (InMemoryHandshake h : List.of(pkcs12, kms, pkcs12, kms)) {
            SSLSession session = h.handshake();
            if (!"TLSv1.3".equals(session.getProtocol()) || !chain[0].equals(session.getPeerCertificates()[0])) {
                throw new IllegalStateException("unexpected session: " + session.getProtocol());
            }
        }
    }

    private static SSLContext serverContext(KeyStore store, char[] password) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    @TearDown
    public void tearDown() throws Exception {
        keys.close();
        BenchStores.deleteTree(dir);
    }

    @Benchmark
    public SSLSession pkcs12Handshake() throws Exception {
        return pkcs12.handshake();
    }

    @Benchmark
    public SSLSession kmsHandshake() throws Exception {
        return kms.handshake();
    }
}
