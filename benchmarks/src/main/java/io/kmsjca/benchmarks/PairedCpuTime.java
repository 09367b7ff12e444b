package io.kmsjca.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * A cross-check of {@link SignatureBenchmark} and {@link TlsHandshakeBenchmark} that holds on a
 * busy machine: the calling thread's CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime}) per
 * operation, KMS and baseline in alternate rounds in one JVM (A B B A, so drift cancels), each
 * pair giving one ratio. JMH's wall-clock figures compare forks run minutes apart; when other
 * work shares the cores, their load differs between the two, while a thread's own CPU time
 * barely moves. It does not replace JMH's figures on an idle machine (it misses time the thread
 * waits, of which there is none here, and caches shared with other work still differ).
 * <pre>{@code java -cp benchmarks.jar io.kmsjca.benchmarks.PairedCpuTime [pairs]}</pre>
 */
final class PairedCpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** CPU time per round: long against the timer's resolution, short against drift. */
    private static final long ROUND_NANOS = 200_000_000L;

    private PairedCpuTime() {
    }

    /** One measured pair: what, the key, and the two operations. */
    record Case(String what, String key, Callable<Object> baseline, Callable<Object> kms) {
    }

    /** Median CPU µs per operation of each side and the paired ratios, sorted. */
    record Outcome(Case c, double baselineMicros, double kmsMicros, double[] ratios) {
        double medianRatio() {
            return median(ratios);
        }
    }

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        List<Case> cases = new ArrayList<>();
        List<AutoCloseable> toClose = new ArrayList<>();
        for (SignatureBenchmark.JdkKeyPair spec : SignatureBenchmark.JdkKeyPair.values()) {
            SignatureBenchmark b = new SignatureBenchmark();
            b.spec = spec.name();
            b.setUp();
            toClose.add(b::tearDown);
            cases.add(new Case("sign 1 KiB, Signature reused", spec.name(), b::jdkSign, b::kmsSign));
            cases.add(new Case("getInstance + initSign + sign 1 KiB", spec.name(), b::jdkInitSign, b::kmsInitSign));
        }
        for (String key : List.of("EC", "RSA")) {
            TlsHandshakeBenchmark b = new TlsHandshakeBenchmark();
            b.key = key;
            b.setUp();
            toClose.add(b::tearDown);
            cases.add(new Case("TLS 1.3 handshake", key, b::pkcs12Handshake, b::kmsHandshake));
        }
        System.out.println("| operation | key | baseline CPU µs | KMS CPU µs | median paired ratio | paired ratios, min – max |");
        System.out.println("|---|---|---|---|---|---|");
        for (Case c : cases) {
            Outcome o = measure(c, pairs);
            System.out.printf(Locale.ROOT, "| %s | %s | %,.1f | %,.1f | %.3f | %.3f – %.3f |%n", c.what, c.key,
                    o.baselineMicros, o.kmsMicros, o.medianRatio(), o.ratios[0], o.ratios[o.ratios.length - 1]);
        }
        for (AutoCloseable a : toClose) {
            a.close();
        }
    }

    static Outcome measure(Case c, int pairs) throws Exception {
        // warm-up: both sides compiled, and how many operations fill a round
        int n = Math.max(operationsPerRound(c.baseline), operationsPerRound(c.kms));
        for (int i = 0; i < 5; i++) {
            cpuMicrosPerOp(c.baseline, n);
            cpuMicrosPerOp(c.kms, n);
        }
        double[] base = new double[2 * pairs];
        double[] kms = new double[2 * pairs];
        double[] ratios = new double[2 * pairs];
        for (int i = 0; i < pairs; i++) {
            // A B B A
            double b1 = cpuMicrosPerOp(c.baseline, n);
            double k1 = cpuMicrosPerOp(c.kms, n);
            double k2 = cpuMicrosPerOp(c.kms, n);
            double b2 = cpuMicrosPerOp(c.baseline, n);
            base[2 * i] = b1;
            base[2 * i + 1] = b2;
            kms[2 * i] = k1;
            kms[2 * i + 1] = k2;
            ratios[2 * i] = k1 / b1;
            ratios[2 * i + 1] = k2 / b2;
        }
        Arrays.sort(ratios);
        return new Outcome(c, median(base), median(kms), ratios);
    }

    private static int operationsPerRound(Callable<Object> op) throws Exception {
        int n = 1;
        long spent = 0;
        for (int round = 0; round < 3 || spent < ROUND_NANOS; round++) {
            long start = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                op.call();
            }
            spent = THREADS.getCurrentThreadCpuTime() - start;
            if (spent < ROUND_NANOS) {
                n = (int) Math.min(1_000_000, Math.max(2L * n, n * ROUND_NANOS / Math.max(1, spent)));
            }
        }
        return n;
    }

    private static double cpuMicrosPerOp(Callable<Object> op, int n) throws Exception {
        Object sink = null;
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            sink = op.call();
        }
        long spent = THREADS.getCurrentThreadCpuTime() - start;
        if (sink == null) {
            throw new IllegalStateException("no result");
        }
        return spent / 1000.0 / n;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
