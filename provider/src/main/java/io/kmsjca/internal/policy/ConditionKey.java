package io.kmsjca.internal.policy;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A condition key this provider supports, and how to read its values from an
 * {@link AccessRequest}. Names match case-insensitively, as in AWS. {@link #scan} folds the
 * request's values through a test into bits: {@link #PRESENT} (the key has at least one value),
 * {@link #MATCHED} (some value passed), {@link #UNMATCHED} (some value failed).
 */
abstract class ConditionKey {

    /** What a key's values are, and so which operators apply to it. */
    enum Type { STRING, BOOL, DATE }

    static final int PRESENT = 1;
    static final int MATCHED = 2;
    static final int UNMATCHED = 4;

    /** The prefix of the per-pair encryption-context key, as AWS spells it. */
    static final String ENCRYPTION_CONTEXT_PREFIX = "kms:EncryptionContext:";

    /** Keys AWS defines that name AWS services or networks: no local meaning, refused by name. */
    private static final List<String> UNSUPPORTED_KEYS = List.of(
            "kms:ViaService", "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:PrincipalOrgID",
            "aws:PrincipalArn", "aws:SecureTransport", "aws:MultiFactorAuthPresent");

    final String name;
    final Type type;
    final boolean multiValued;

    private ConditionKey(String name, Type type, boolean multiValued) {
        this.name = name;
        this.type = type;
        this.multiValued = multiValued;
    }

    /** Folds the request's values of this key through {@code test}. */
    abstract int scan(AccessRequest request, ValueTest test);

    static int fold(int bits, boolean matched) {
        return bits | PRESENT | (matched ? MATCHED : UNMATCHED);
    }

    /**
     * The supported key named {@code written} (any case), or a refusal naming it.
     */
    static ConditionKey resolve(String written) throws MalformedPolicyException {
        String lower = written.toLowerCase(Locale.ROOT);
        if (lower.startsWith("kms:encryptioncontext:")) {
            String contextKey = written.substring(ENCRYPTION_CONTEXT_PREFIX.length());
            if (contextKey.isEmpty()) {
                throw new MalformedPolicyException("condition key " + written + " names no encryption context key");
            }
            return new EncryptionContextValue(contextKey);
        }
        switch (lower) {
            case "kms:encryptioncontextkeys":
                return ENCRYPTION_CONTEXT_KEYS;
            case "kms:callerprincipal":
                return CALLER_PRINCIPAL;
            case "kms:calleraccount":
                return CALLER_ACCOUNT;
            case "aws:currenttime":
                return CURRENT_TIME;
            default:
                break;
        }
        for (String name : ConditionKeys.BOOLEANS) {
            if (name.toLowerCase(Locale.ROOT).equals(lower)) {
                return new OtherKey(name, Type.BOOL, false);
            }
        }
        for (String name : ConditionKeys.STRINGS) {
            if (name.toLowerCase(Locale.ROOT).equals(lower)) {
                return new OtherKey(name, Type.STRING, false);
            }
        }
        for (String name : ConditionKeys.MULTI_VALUED_STRINGS) {
            if (name.toLowerCase(Locale.ROOT).equals(lower)) {
                return new OtherKey(name, Type.STRING, true);
            }
        }
        for (String unsupported : UNSUPPORTED_KEYS) {
            if (unsupported.toLowerCase(Locale.ROOT).equals(lower)) {
                throw new MalformedPolicyException("condition key " + written
                        + " is not supported: it names an AWS service or network, which has no meaning here");
            }
        }
        throw new MalformedPolicyException("condition key " + written + " is not supported");
    }

    private static final ConditionKey CALLER_PRINCIPAL = new ConditionKey("kms:CallerPrincipal", Type.STRING, false) {
        @Override
        int scan(AccessRequest request, ValueTest test) {
            return fold(0, test.test(request.principal()));
        }
    };

    private static final ConditionKey CALLER_ACCOUNT = new ConditionKey("kms:CallerAccount", Type.STRING, false) {
        @Override
        int scan(AccessRequest request, ValueTest test) {
            return fold(0, test.test(request.account()));
        }
    };

    private static final ConditionKey CURRENT_TIME = new ConditionKey("aws:CurrentTime", Type.DATE, false) {
        @Override
        int scan(AccessRequest request, ValueTest test) {
            return fold(0, test.test(request.time()));
        }
    };

    private static final ConditionKey ENCRYPTION_CONTEXT_KEYS =
            new ConditionKey("kms:EncryptionContextKeys", Type.STRING, true) {
                @Override
                int scan(AccessRequest request, ValueTest test) {
                    Map<String, String> context = request.encryptionContext();
                    if (context.isEmpty()) {
                        return 0;
                    }
                    int bits = 0;
                    for (String key : context.keySet()) {
                        bits = fold(bits, test.test(key));
                    }
                    return bits;
                }
            };

    /**
     * {@code kms:EncryptionContext:KEY}: the value of the pair whose key equals KEY ignoring case
     * (AWS: the key part is not case-sensitive; the value is compared as the operator says).
     */
    private static final class EncryptionContextValue extends ConditionKey {
        private final String contextKey;

        EncryptionContextValue(String contextKey) {
            super(ENCRYPTION_CONTEXT_PREFIX + contextKey, Type.STRING, false);
            this.contextKey = contextKey;
        }

        @Override
        int scan(AccessRequest request, ValueTest test) {
            Map<String, String> context = request.encryptionContext();
            if (context.isEmpty()) {
                return 0;
            }
            String exact = context.get(contextKey);
            if (exact != null && context.size() == 1) {
                return fold(0, test.test(exact));
            }
            int bits = 0;
            for (Map.Entry<String, String> pair : context.entrySet()) {
                if (pair.getKey().equalsIgnoreCase(contextKey)) {
                    bits = fold(bits, test.test(pair.getValue()));
                }
            }
            return bits;
        }
    }

    /** A key whose values the key service passes in {@link AccessRequest#otherKeys()}. */
    private static final class OtherKey extends ConditionKey {
        OtherKey(String name, Type type, boolean multiValued) {
            super(name, type, multiValued);
        }

        @Override
        int scan(AccessRequest request, ValueTest test) {
            List<String> values = request.otherKeys().get(name);
            if (values == null) {
                return 0;
            }
            int bits = 0;
            for (int i = 0, n = values.size(); i < n; i++) {
                bits = fold(bits, test.test(values.get(i)));
            }
            return bits;
        }
    }

    /** One operator's test of one request value against the policy's values (ORed). */
    interface ValueTest {
        boolean test(String value);

        default boolean test(Instant value) {
            return false;
        }
    }
}
