package io.kmsjca.benchmarks;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KmsKeyHandle;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
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
import java.security.Key;
import java.util.concurrent.TimeUnit;

/**
 * The cost of the {@code io.kmsjca.KeyOperation} JFR events (issue #22) on wrap + unwrap of a
 * 32-byte key, no audit listener: {@code off}, no recording (the baseline, in the same run);
 * {@code kms}, a recording of the kms-jca events only (two events per wrap + unwrap);
 * {@code default}, the JDK's {@code default} settings (what {@code -XX:StartFlightRecording} and
 * Mission Control start), which include the kms-jca events beside the JVM's own.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Thread)
public class FlightRecorderBenchmark {

    @Param({"off", "kms", "default"})
    public String recording;

    private final SecretKey dataKey = new SecretKeySpec(new byte[32], "AES");
    private KeyService keys;
    private Recording jfr;
    private Cipher wrapper;
    private Cipher unwrapper;

    @Setup
    public void setUp() throws Exception {
        keys = BenchStores.service();
        KmsKeyHandle master = keys.createKey("bench", "");
        wrapper = BenchStores.cipher("KMSWrap", Cipher.WRAP_MODE, master);
        unwrapper = BenchStores.cipher("KMSWrap", Cipher.UNWRAP_MODE, master);
        switch (recording) {
            case "off" -> jfr = null;
            case "kms" -> {
                jfr = new Recording();
                jfr.enable("io.kmsjca.KeyOperation").withoutThreshold();
            }
            case "default" -> jfr = new Recording(Configuration.getConfiguration("default"));
            default -> throw new IllegalArgumentException(recording);
        }
        if (jfr != null) {
            jfr.setMaxSize(64L << 20);
            jfr.start();
        }
    }

    @TearDown
    public void tearDown() throws Exception {
        if (jfr != null) {
            jfr.close();
        }
        keys.close();
    }

    @Benchmark
    public Key wrapUnwrap32() throws Exception {
        return unwrapper.unwrap(wrapper.wrap(dataKey), "AES", Cipher.SECRET_KEY);
    }
}
