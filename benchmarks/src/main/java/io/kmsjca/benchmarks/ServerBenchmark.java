package io.kmsjca.benchmarks;

import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsDataKeySpec;
import io.kmsjca.server.KmsServer;
import io.kmsjca.server.ServerOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The kms-jca server under load from the AWS SDK for Java v2 (issue #18, "Speed and load"):
 * GenerateDataKey and Decrypt over HTTPS with keep-alive, client and server in one JVM sharing
 * the machine's 2 cores, several client threads ({@code -t}); the baseline, measured in the
 * same run, is the same GenerateDataKey made in-process by the embedded provider
 * ({@code KeyGenerator "KMSDataKey"}), so the ratio is the price of the network protocol
 * (TLS, HTTP, JSON, SigV4 on both sides). Throughput in requests per second; run with
 * {@code -bm sample} for latency percentiles. docs/benchmarks/README.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(3)
@Threads(4)
public class ServerBenchmark {

    private static final Map<String, String> CONTEXT = Map.of("tenant", "bench");

    /** A server on an in-memory store, over HTTPS on loopback, and one SDK client (thread-safe) with a connection per thread. */
    @State(Scope.Benchmark)
    public static class Server {
        @Param({"https", "http"})
        public String scheme;

        KeyService service;
        KmsKeyHandle master;
        KmsServer server;
        KmsClient client;
        Path tlsDir;
        SelfSignedTls tls;
        String accessKeyId;
        char[] secret;
        byte[] blob;

        @Setup(Level.Trial)
        public void start() throws Exception {
            service = BenchStores.service();
            master = service.createKey("alias/bench", "");
            CreatedAccessKey accessKey = service.createAccessKey("bench-client", false);
            service.putKeyPolicy(master.keyId().toString(), keyUserPolicy("bench-client"), false);
            tlsDir = Files.createTempDirectory("kms-bench-tls");
            tls = "https".equals(scheme) ? SelfSignedTls.create(tlsDir) : null;
            ServerOptions.Builder options = ServerOptions.builder().port(0).threads(8);
            server = KmsServer.start(service, (tls == null ? options.plainHttp() : options.tls(tls.serverContext())).build());
            ApacheHttpClient.Builder http = ApacheHttpClient.builder().maxConnections(16);
            if (tls != null) {
                http.tlsTrustManagersProvider(tls::trustManagers);
            }
            client = KmsClient.builder()
                    .endpointOverride(server.endpoint())
                    .region(Region.of(server.options().region()))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                            accessKey.info().accessKeyId(), new String(accessKey.secretAccessKey()))))
                    .httpClient(http.build())
                    .build();
            accessKeyId = accessKey.info().accessKeyId();
            secret = accessKey.secretAccessKey();
            accessKey.wipe();
            blob = client.generateDataKey(generateRequest()).ciphertextBlob().asByteArray();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            java.util.Arrays.fill(secret, '\0');
            client.close();
            server.close();
            service.close();
            BenchStores.deleteTree(tlsDir);
        }

        GenerateDataKeyRequest generateRequest() {
            return GenerateDataKeyRequest.builder().keyId("alias/bench").keySpec(DataKeySpec.AES_256)
                    .encryptionContext(CONTEXT).build();
        }

        private static String keyUserPolicy(String principal) {
            return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
                    + "\"arn:aws:iam::000000000000:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},"
                    + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + principal
                    + "\"},\"Action\":[\"kms:GenerateDataKey\",\"kms:Decrypt\"],\"Resource\":\"*\"}]}";
        }
    }

    /** One thread's request objects and embedded key generator (JCA engines are not thread-safe). */
    @State(Scope.Thread)
    public static class PerThread {
        GenerateDataKeyRequest generate;
        DecryptRequest decrypt;
        KeyGenerator embedded;
        RawKmsConnection raw;

        @Setup(Level.Trial)
        public void setUp(Server s) throws Exception {
            generate = s.generateRequest();
            decrypt = DecryptRequest.builder().ciphertextBlob(SdkBytes.fromByteArray(s.blob)).encryptionContext(CONTEXT).build();
            embedded = KeyGenerator.getInstance("KMSDataKey", BenchStores.PROVIDER);
            embedded.init(KmsDataKeySpec.aes256(s.master).withContext(CONTEXT));
            if (s.tls != null) {
                raw = new RawKmsConnection(s.server.endpoint(), s.tls.clientContext(), s.server.options().region(),
                        s.accessKeyId, s.secret, "GenerateDataKey",
                        "{\"KeyId\":\"alias/bench\",\"KeySpec\":\"AES_256\",\"EncryptionContext\":{\"tenant\":\"bench\"}}");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            if (raw != null) {
                raw.close();
            }
        }
    }

    @Benchmark
    public GenerateDataKeyResponse serverGenerateDataKey(Server s, PerThread t) {
        return s.client.generateDataKey(t.generate);
    }

    @Benchmark
    public DecryptResponse serverDecrypt(Server s, PerThread t) {
        return s.client.decrypt(t.decrypt);
    }

    /**
     * The server on its own: the same GenerateDataKey sent by a client that costs next to nothing
     * (one TLS connection per thread, a request signed once), so the 2 cores go to the server.
     */
    @Benchmark
    public int serverGenerateDataKeyRawClient(PerThread t) throws Exception {
        int status = t.raw.call();
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status);
        }
        return status;
    }

    /** The baseline: the same operation in-process, no network. */
    @Benchmark
    public SecretKey embeddedGenerateDataKey(PerThread t) {
        return t.embedded.generateKey();
    }
}
