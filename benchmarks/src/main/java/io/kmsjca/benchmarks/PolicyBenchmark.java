package io.kmsjca.benchmarks;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.security.Key;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a key policy costs on the hot path (issue #17's target: at most 1.1x): KMSWrap wrap +
 * unwrap of a 32-byte data key with an encryption context, by principal {@code app}, under a key
 * with no policy of its own in a store without a store policy (nothing is evaluated), and under a
 * key whose 10-statement policy allows {@code app} only in its last statement, with an
 * encryption-context condition. Both in the same run, with the same principal scope per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
@State(Scope.Thread)
public class PolicyBenchmark {

    private static final Map<String, String> CONTEXT = Map.of("tenant", "42", "purpose", "orders");

    private final Key dataKey = new SecretKeySpec(new byte[32], "AES");
    private Cipher openWrapper;
    private Cipher openUnwrapper;
    private Cipher policyWrapper;
    private Cipher policyUnwrapper;

    @Setup
    public void setUp() throws Exception {
        KeyService keys = BenchStores.service();
        KmsKeyHandle open = keys.createKey("open", "no policy of its own");
        KmsKeyHandle guarded = keys.createKey("guarded", "a 10-statement policy");
        keys.putKeyPolicy("guarded", tenStatementPolicy(), false);
        var spec = new KmsEncryptionContextSpec(CONTEXT);
        openWrapper = cipher(Cipher.WRAP_MODE, open, spec);
        openUnwrapper = cipher(Cipher.UNWRAP_MODE, open, spec);
        policyWrapper = cipher(Cipher.WRAP_MODE, guarded, spec);
        policyUnwrapper = cipher(Cipher.UNWRAP_MODE, guarded, spec);
    }

    /** Nine statements for other principals and actions, then the one that allows {@code app}, on a condition. */
    static String tenStatementPolicy() {
        var statements = new StringBuilder();
        statements.append("""
                {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "%s"}, "Action": "kms:*", "Resource": "*"},"""
                .formatted(System.getProperty("user.name")));
        for (int i = 1; i <= 8; i++) {
            statements.append("""
                    {"Sid": "Team%d", "Effect": "Allow", "Principal": {"AWS": ["team-%d", "ops-%d"]},
                     "Action": ["kms:Describe*", "kms:List*", "kms:Get*"], "Resource": "*"},""".formatted(i, i, i));
        }
        statements.append("""
                {"Sid": "App", "Effect": "Allow", "Principal": {"AWS": "app"},
                 "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
                 "Condition": {"StringEquals": {"kms:EncryptionContext:tenant": "42"}}}""");
        return "{\"Version\": \"2012-10-17\", \"Statement\": [" + statements + "]}";
    }

    private static Cipher cipher(int mode, Key key, KmsEncryptionContextSpec spec) throws Exception {
        Cipher c = Cipher.getInstance("KMSWrap", BenchStores.PROVIDER);
        c.init(mode, key, spec);
        return c;
    }

    @Benchmark
    public Key wrapUnwrapWithoutPolicy() throws Exception {
        try (var as = KmsAuditContext.runAs("app")) {
            return openUnwrapper.unwrap(openWrapper.wrap(dataKey), "AES", Cipher.SECRET_KEY);
        }
    }

    @Benchmark
    public Key wrapUnwrapUnderTenStatementPolicy() throws Exception {
        try (var as = KmsAuditContext.runAs("app")) {
            return policyUnwrapper.unwrap(policyWrapper.wrap(dataKey), "AES", Cipher.SECRET_KEY);
        }
    }
}
