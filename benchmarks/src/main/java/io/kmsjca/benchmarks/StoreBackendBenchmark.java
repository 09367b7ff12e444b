package io.kmsjca.benchmarks;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.postgres.PostgresKeyRecordStore;
import io.kmsjca.postgres.PostgresSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.concurrent.TimeUnit;

/**
 * Wrap + unwrap of a 32-byte data key under a master key kept in the embedded file store and in
 * a real PostgreSQL server (started in set-up), in the same run: the hot path reads keys from
 * memory whatever the backend, so the two should cost the same. The audit trail is off (its cost
 * is {@link AuditBenchmark}'s subject) and so is maintenance.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class StoreBackendBenchmark {

    @Param({"file", "postgres"})
    public String backend;

    private final SecretKey dataKey = new SecretKeySpec(new byte[32], "AES");
    private EmbeddedPostgres server;
    private Path dir;
    private KeyService service;
    private Cipher wrapper;
    private Cipher unwrapper;

    @Setup
    public void setUp() throws Exception {
        KeyServiceOptions options = BenchStores.options();
        char[] password = "benchmark".toCharArray();
        if (backend.equals("postgres")) {
            server = EmbeddedPostgres.builder().start();
            String url = "jdbc:postgresql://localhost:" + server.getPort() + "/postgres";
            service = KeyStores.open(PostgresKeyRecordStore.open(PostgresSettings.of(url).withCredentials("postgres", null)),
                    password, options);
        } else {
            dir = Files.createTempDirectory("kms-bench");
            service = KeyStores.openFile(dir.resolve("keys.kms"), password, options);
        }
        KmsKeyHandle master = service.createKey("bench", "benchmark key");
        wrapper = BenchStores.cipher("KMSWrap", Cipher.WRAP_MODE, master);
        unwrapper = BenchStores.cipher("KMSWrap", Cipher.UNWRAP_MODE, master);
    }

    @TearDown
    public void tearDown() throws Exception {
        service.close();
        if (server != null) {
            server.close();
        }
    }

    @Benchmark
    public Key kmsWrapUnwrap32() throws Exception {
        byte[] blob = wrapper.wrap(dataKey);
        return unwrapper.unwrap(blob, "AES", Cipher.SECRET_KEY);
    }
}
