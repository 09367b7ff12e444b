package io.kmsjca.provider;

import java.util.stream.Stream;

/**
 * Whether the {@code KeyPairGenerator} being made was asked of this provider by name. The JCA
 * has no delayed selection for key pair generators: an unnamed {@code getInstance("EC")} takes the
 * first provider with the name, and when that provider's {@code initialize} refuses parameters
 * (JDK 17's SunEC refuses the {@code NamedParameterSpec} keytool tries first), its failover
 * ({@code KeyPairGenerator.Delegate.nextSpi}) moves on to the next one, whatever the caller wanted.
 * A KMS key pair stays inside the provider until a KMS key store stores it, so handing one to code
 * that asked for an ordinary key pair (keytool writing a PKCS12 store) breaks that code: the KMS
 * generator is only made when the provider was named (docs/decisions.md, "The KMS
 * KeyPairGenerator answers only when named").
 *
 * <p>The test reads the caller's stack: an unnamed request has the JDK's
 * {@code KeyPairGenerator.getInstance(String)} or {@code Delegate.nextSpi} frame on it. Should a
 * later JDK route these requests differently, the frames are not found and the generator is made
 * as before (found by name first, as the provider list orders it); the conformance tests run on
 * JDK 17 and 25 and check both ways.
 */
final class NamedRequests {

    private static final String KEY_PAIR_GENERATOR = "java.security.KeyPairGenerator";
    private static final String DELEGATE = "java.security.KeyPairGenerator$Delegate";
    private static final String UNNAMED_GET_INSTANCE = "(Ljava/lang/String;)Ljava/security/KeyPairGenerator;";
    /** Retaining class references: JDK 25 gives a frame's descriptor only then. */
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private NamedRequests() {
    }

    /** Whether the key pair generator being created was asked for without naming a provider. */
    static boolean unnamedKeyPairGenerator() {
        return WALKER.walk(NamedRequests::unnamed);
    }

    private static boolean unnamed(Stream<StackWalker.StackFrame> frames) {
        return frames.anyMatch(f -> (DELEGATE.equals(f.getClassName()) && "nextSpi".equals(f.getMethodName()))
                || (KEY_PAIR_GENERATOR.equals(f.getClassName()) && "getInstance".equals(f.getMethodName())
                    && UNNAMED_GET_INSTANCE.equals(f.getDescriptor())));
    }
}
