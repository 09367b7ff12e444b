package io.kmsjca.server;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The routing table: an {@code X-Amz-Target} operation name to its handler, built once per server. */
final class Operations {

    static final String TARGET_PREFIX = "TrentService.";

    private final Map<String, Operation> table;

    Operations(OperationContext kms, String account) {
        Map<String, Operation> t = new TreeMap<>();
        new KeyOperations(kms, account).register(t);
        new AliasOperations(kms).register(t);
        new RotationOperations(kms).register(t);
        new TagOperations(kms).register(t);
        new PolicyOperations(kms).register(t);
        new GrantOperations(kms).register(t);
        AsymmetricOperations asymmetric = new AsymmetricOperations(kms);
        asymmetric.register(t);
        new CryptoOperations(kms, asymmetric).register(t);
        new MacOperations(kms).register(t);
        this.table = Collections.unmodifiableMap(t);
    }

    /** The operation {@code target} names ({@code TrentService.Encrypt}); UnknownOperationException otherwise. */
    Operation forTarget(String target) throws KmsError {
        Operation op = target != null && target.startsWith(TARGET_PREFIX) ? table.get(target.substring(TARGET_PREFIX.length())) : null;
        if (op == null) {
            throw new KmsError("UnknownOperationException", 400, "unknown operation " + (target == null ? "(none)"
                    : target.length() > 80 ? target.substring(0, 80) + "..." : target));
        }
        return op;
    }

    /** The operation names served, sorted (docs/server.md lists them). */
    java.util.Set<String> names() {
        return table.keySet();
    }
}
