package io.kmsjca.benchmarks;

import io.kmsjca.internal.model.AccessRules;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.internal.store.PrincipalKeyPair;
import io.kmsjca.internal.store.SealGroup;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;
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

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What sealing per principal (issue #17) costs a store's opening, per key: reading one key
 * record's payload (an AES key of two versions) with its material in the record (the baseline),
 * sealed to the reader (one X25519 to open the group, then AES-GCM per version), and sealed to
 * others (the reader skips the material). Opening a store reads every record once this way.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class SealedRecordBenchmark {

    private static final UUID ID = UUID.randomUUID();

    private final PrincipalKeyPair reader = PrincipalKeyPair.generate();
    private final PrincipalKeyPair other = PrincipalKeyPair.generate();
    private byte[] inRecord;
    private byte[] sealed;

    @Setup
    public void setUp() {
        Instant t = Instant.now();
        byte[] m = new byte[32];
        MasterKey key = new MasterKey(ID, 2, "", KeyState.ENABLED, KeyManagerType.CUSTOMER, t, null, List.of("orders"),
                Map.of(), 0, 1, List.of(new KeyVersion(1, t, KeyOrigin.GENERATED, RotationReason.CREATED, m, 0),
                new KeyVersion(2, t, KeyOrigin.GENERATED, RotationReason.ON_DEMAND, m, 0)),
                AccessRules.DEFAULT, KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT, CertificateChain.EMPTY);
        inRecord = MasterKeyCodec.encode(key);
        sealed = MasterKeyCodec.encode(key, List.of(new SealGroup.Recipient("reader", reader.publicKey()),
                new SealGroup.Recipient("other", other.publicKey())));
    }

    @Benchmark
    public MasterKey materialInTheRecord() {
        return MasterKeyCodec.decode(ID, 2, inRecord.clone(), reader);
    }

    @Benchmark
    public MasterKey sealedToTheReader() {
        return MasterKeyCodec.decode(ID, 2, sealed.clone(), reader);
    }

    @Benchmark
    public MasterKey sealedToOthers() {
        return MasterKeyCodec.decode(ID, 2, sealed.clone(), null);
    }
}
