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
 * <p>The test reads the caller's stack and fails closed: the generator is made only when the
 * JDK's named {@code KeyPairGenerator.getInstance(String, String)} or {@code (String, Provider)}
 * frame is on it and neither the unnamed {@code getInstance(String)} nor the failover
 * {@code Delegate.nextSpi} is. Should a later JDK route requests through other frames, the KMS
 * generator is refused (a clear {@code NoSuchAlgorithmException} from the JCA), never handed to a
 * caller that did not ask for it; the conformance tests run on JDK 17 and 25 and check both ways.
 */
final class NamedRequests {

    private static final String KEY_PAIR_GENERATOR = "java.security.KeyPairGenerator";
    private static final String DELEGATE = "java.security.KeyPairGenerator$Delegate";
    private static final String UNNAMED_GET_INSTANCE = "(Ljava/lang/String;)Ljava/security/KeyPairGenerator;";
    private static final String BY_NAME = "(Ljava/lang/String;Ljava/lang/String;)Ljava/security/KeyPairGenerator;";
    private static final String BY_PROVIDER = "(Ljava/lang/String;Ljava/security/Provider;)Ljava/security/KeyPairGenerator;";
    /** Retaining class references: JDK 25 gives a frame's descriptor only then. */
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private NamedRequests() {
    }

    /** Whether the key pair generator being created was asked of this provider by name, and only then. */
    static boolean namedKeyPairGenerator() {
        return WALKER.walk(NamedRequests::named);
    }

    private static boolean named(Stream<StackWalker.StackFrame> frames) {
        boolean named = false;
        for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) frames::iterator) {
            if (DELEGATE.equals(f.getClassName()) && "nextSpi".equals(f.getMethodName())) {
                return false;
            }
            if (KEY_PAIR_GENERATOR.equals(f.getClassName()) && "getInstance".equals(f.getMethodName())) {
                String descriptor = f.getDescriptor();
                if (UNNAMED_GET_INSTANCE.equals(descriptor)) {
                    return false;
                }
                named |= BY_NAME.equals(descriptor) || BY_PROVIDER.equals(descriptor);
            }
        }
        return named;
    }
}
