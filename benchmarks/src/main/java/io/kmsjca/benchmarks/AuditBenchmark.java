package io.kmsjca.benchmarks;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsAdmin;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the audit trail on wrap + unwrap of a 32-byte key: no listener (the baseline,
 * measured in the same run, in a store opened with its password and in one opened with a
 * service's credential, whose requests its key policies authorize), a listener that does nothing
 * delivered asynchronously (what a request pays to make its event and hand it over), and the JSON
 * Lines file sink delivered synchronously (the quick report's rows) and asynchronously, without and
 * with an fsync. The synchronous file on one thread and two, beside its baseline, is
 * {@link AuditGroupCommitBenchmark}'s ({@code benchmarks/run group-commit}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class AuditBenchmark {

    @Param({"none", "none-service", "nothing-async", "nothing-async-service", "file-sync", "file-sync-fsync", "file-async-no-fsync", "file-async"})
    public String sink;

    private Path dir;
    private KeyService keys;
    private WrapRoundTrip roundTrip;

    @Setup
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("kms-audit-bench");
        AuditOptions audit = AuditOptions.DEFAULTS.withListeners(false, java.util.List.of(), false);
        audit = switch (sink) {
            case "none", "none-service" -> audit;
            case "nothing-async", "nothing-async-service" -> audit.withDelivery(AuditOptions.Delivery.ASYNC, 8192, AuditOptions.WhenFull.BLOCK);
            case "file-sync" -> audit.withFile(dir.resolve("audit.jsonl"), false, 1L << 40);
            case "file-sync-fsync" -> audit.withFile(dir.resolve("audit.jsonl"), true, 1L << 40);
            case "file-async-no-fsync" -> audit.withFile(dir.resolve("audit.jsonl"), false, 1L << 40)
                    .withDelivery(AuditOptions.Delivery.ASYNC, 8192, AuditOptions.WhenFull.BLOCK);
            case "file-async" -> audit.withFile(dir.resolve("audit.jsonl"), true, 1L << 40)
                    .withDelivery(AuditOptions.Delivery.ASYNC, 8192, AuditOptions.WhenFull.BLOCK);
            default -> throw new IllegalArgumentException(sink);
        };
        keys = sink.endsWith("-service") ? serviceOpenedWithItsCredential(audit) : BenchStores.service(audit);
        if (sink.startsWith("nothing-async")) {
            keys.audit().addListener(event -> { }); // what a request pays to make and hand over its event
        }
        KmsKeyHandle master = keys.createKey("bench", "");
        roundTrip = new WrapRoundTrip(master);
    }

    /**
     * A store opened with a service's own credential, which does not act for others: every
     * request's principal is the credential's, found with no lookup (a store opened with its
     * password acts for others: each event asks the thread who calls, on JDK 17 a stack walk).
     */
    private KeyService serviceOpenedWithItsCredential(AuditOptions audit) throws Exception {
        Path file = dir.resolve("keys.kms");
        char[] secret = "service-secret".toCharArray();
        try (KeyService admin = KmsAdmin.open(file, "admin-password".toCharArray(), BenchStores.options())) {
            admin.createCredential(CredentialRequest.withPassword("orders-service", secret.clone()).administrator(true)).wipe();
        }
        return KmsAdmin.open(file, KmsCredential.password("orders-service", secret), BenchStores.options().withAudit(audit));
    }

    @TearDown
    public void tearDown() throws Exception {
        keys.close();
        BenchStores.deleteTree(dir);
    }

    @Benchmark
    public Key wrapUnwrap32() throws Exception {
        return roundTrip.run();
    }
}
