package io.kmsjca.internal.crypto;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The provider's own random generator: every salt, nonce, data key, master key and root key
 * kms-jca makes comes from here, never from a {@code SecureRandom} a caller passes to
 * {@code Cipher.init} or {@code KeyGenerator.init} (docs/decisions.md, "The provider's own
 * random generator"). The JDK's {@code NativePRNGNonBlocking} where there is one (Linux, macOS):
 * the kernel's generator ({@code /dev/urandom}) mixed with the JDK's, thread-safe, never
 * blocking, and ready at once; elsewhere a JDK DRBG (Hash_DRBG, SHA-256, 256-bit strength). The
 * JDK's DRBG is not the first choice because seeding its first instance gathers system entropy
 * for 0.1–0.3 s, which every JVM start (every {@code kms} command) would pay.
 *
 * <p>A JVM restored from a snapshot (CRaC, AWS Lambda SnapStart) would otherwise continue the
 * generator's state, and every wrap session, in each copy. So the provider registers a hook with
 * the checkpoint/restore runtime when one is on the class path ({@code org.crac}, else
 * {@code jdk.crac}; found by reflection, no compile-time dependency). Before a checkpoint it
 * starts an odd {@linkplain #epoch() epoch}: no wrap session matches it, and a session is opened
 * only in an even one ({@link #sessionEpoch()} waits), so from then on no wrap uses a session
 * until the restore. After the restore (or a checkpoint that failed) it replaces the generator
 * with a freshly seeded one and starts the next, even, epoch. A runtime resumes other threads
 * before it runs the restore hooks; they cannot continue a session of the snapshot meanwhile,
 * nor draw from the snapshot's generator: a draw in an odd epoch waits for the restore too.
 */
public final class KmsRandom {

    private static final byte[] RESTORE_LABEL = "kms-jca/restore".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicInteger EPOCH = new AtomicInteger(); // even: sessions may open; odd: a checkpoint is under way
    private static final Object CHECKPOINT = new Object();
    private static volatile SecureRandom generator = newGenerator();
    /** Held strongly: a checkpoint/restore context may keep only a weak reference to it. */
    @SuppressWarnings("unused")
    private static final Object RESTORE_HOOK = registerRestoreHook();

    private KmsRandom() {
    }

    /** Fills {@code bytes} from the provider's generator (waiting, during a checkpoint, for the restore). */
    public static void nextBytes(byte[] bytes) {
        current().nextBytes(bytes);
    }

    /**
     * The provider's generator, for JDK APIs that take a SecureRandom (key pairs, ECDSA nonces);
     * during a checkpoint, the one the restore makes (this waits for it).
     */
    public static SecureRandom generator() {
        return current();
    }

    /**
     * The generator to draw from now. Between a checkpoint's start and the restore hook the
     * current one is the snapshot's, whose state (and buffered kernel bytes) every copy of the
     * process holds: a draw then would give each copy the same bytes (data keys, salts,
     * nonces). So it waits for the restore, as a new wrap session does ({@link #sessionEpoch}).
     * Otherwise one volatile read.
     */
    private static SecureRandom current() {
        if ((EPOCH.get() & 1) != 0) {
            sessionEpoch();
        }
        return generator;
    }

    /**
     * The current epoch: a new one starts at each checkpoint (odd: a checkpoint is under way) and
     * at each restore from a snapshot (even). Whatever was derived from random bytes drawn in an
     * earlier epoch (a wrap session) may exist in several copies of the process and must not be
     * used again. A volatile read, cheap enough for every wrap.
     */
    public static int epoch() {
        return EPOCH.get();
    }

    /**
     * The epoch a new wrap session belongs to: the current one, once no checkpoint is under way.
     * Between a checkpoint's start and the restore (or the failed checkpoint's end) it waits,
     * whatever interrupts come (the thread's interrupt status is kept), so that no session is
     * opened from random bytes the snapshot holds.
     */
    public static int sessionEpoch() {
        int epoch = EPOCH.get();
        if ((epoch & 1) == 0) {
            return epoch;
        }
        boolean interrupted = false;
        synchronized (CHECKPOINT) {
            while (((epoch = EPOCH.get()) & 1) != 0) {
                try {
                    CHECKPOINT.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return epoch;
    }

    /** Called before a checkpoint (by the registered hook, or by tests): an odd epoch, which ends every session. */
    static void beforeCheckpoint() {
        synchronized (CHECKPOINT) {
            if ((EPOCH.get() & 1) == 0) {
                EPOCH.incrementAndGet();
            }
        }
    }

    /**
     * Called after a restore from a snapshot (by the registered hook, or by tests): a new
     * generator, seeded further with what differs between copies of one snapshot even where the
     * entropy source did not (the clocks and the restore count; {@code setSeed} adds to a seed,
     * never replaces it), then a new epoch, so whoever sees the new epoch draws from it.
     */
    static void afterRestore() {
        SecureRandom fresh = newGenerator();
        fresh.setSeed(ByteBuffer.allocate(RESTORE_LABEL.length + 8 + 8 + 4).put(RESTORE_LABEL)
                .putLong(System.nanoTime()).putLong(System.currentTimeMillis()).putInt(EPOCH.get()).array());
        generator = fresh;
        synchronized (CHECKPOINT) {
            EPOCH.addAndGet((EPOCH.get() & 1) != 0 ? 1 : 2); // the next even epoch: new either way
            CHECKPOINT.notifyAll();
        }
    }

    /** From the JDK's SUN provider itself, as {@link Primitives} does: not whatever claims the name first. */
    private static SecureRandom newGenerator() {
        Provider sun = Security.getProvider("SUN");
        try {
            return sun != null ? SecureRandom.getInstance("NativePRNGNonBlocking", sun)
                    : SecureRandom.getInstance("NativePRNGNonBlocking");
        } catch (NoSuchAlgorithmException noDevUrandom) {
            var drbg = DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY,
                    "kms-jca/random".getBytes(StandardCharsets.US_ASCII));
            try {
                return sun != null ? SecureRandom.getInstance("DRBG", drbg, sun) : SecureRandom.getInstance("DRBG", drbg);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JDK has neither NativePRNGNonBlocking nor DRBG", e);
            }
        }
    }

    /** Registers {@link #afterRestore()} with {@code org.crac} or {@code jdk.crac}, if present; else null. */
    private static Object registerRestoreHook() {
        for (String api : new String[] {"org.crac", "jdk.crac"}) {
            try {
                Class<?> core = Class.forName(api + ".Core");
                Class<?> resource = Class.forName(api + ".Resource");
                Class<?> context = Class.forName(api + ".Context");
                Object global = core.getMethod("getGlobalContext").invoke(null);
                Object hook = Proxy.newProxyInstance(KmsRandom.class.getClassLoader(), new Class<?>[] {resource},
                        new RestoreHook());
                context.getMethod("register", resource).invoke(global, hook);
                return hook;
            } catch (ClassNotFoundException | LinkageError absent) {
                // this runtime has no such checkpoint/restore API: try the next
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.getLogger("io.kmsjca").log(System.Logger.Level.WARNING,
                        "could not register the kms-jca restore hook with " + api + ": " + e);
            }
        }
        return null;
    }

    /** {@code Resource.beforeCheckpoint} starts an odd epoch; {@code afterRestore} the next even one. */
    private static final class RestoreHook implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "beforeCheckpoint" -> beforeCheckpoint();
                case "afterRestore" -> afterRestore();
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                case "toString" -> {
                    return "kms-jca restore hook";
                }
                default -> {
                    // nothing else to do
                }
            }
            return null;
        }
    }
}
