package io.kmsjca.server;

import io.kmsjca.keys.MacAlgorithm;

import java.util.Base64;
import java.util.Map;

import static io.kmsjca.server.Shapes.map;

/**
 * The operations of HMAC keys (issue #20), over the key service's methods: GenerateMac and
 * VerifyMac. A key that is not an HMAC key of the request's MacAlgorithm is AWS's
 * InvalidKeyUsageException ({@link RequestedKeyUse}); the key service is still called, checks
 * state and policy, and audits. A MAC that does not verify is KMSInvalidMacException, as AWS.
 * The message is bounded at 4096 bytes and the MAC at 6144 (AWS's bounds), before decoding.
 */
final class MacOperations {

    /** AWS's bound of GenerateMac's and VerifyMac's Message. */
    static final int MAX_MESSAGE_BYTES = 4096;
    /** AWS's bound of VerifyMac's Mac (a longer MAC than the algorithm's is simply not valid). */
    static final int MAX_MAC_BYTES = 6144;

    private final OperationContext kms;

    MacOperations(OperationContext kms) {
        this.kms = kms;
    }

    void register(Map<String, Operation> table) {
        table.put("GenerateMac", this::generateMac);
        table.put("VerifyMac", this::verifyMac);
    }

    private Map<String, Object> generateMac(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        refuseDryRun(r);
        byte[] message = r.blob("Message", MAX_MESSAGE_BYTES);
        MacAlgorithm algorithm = AsymmetricOperations.named(MacAlgorithm.class, "MacAlgorithm",
                r.requiredString("MacAlgorithm", 64));
        RequestedKeyUse use = RequestedKeyUse.of(kms, resolved).needsMac(algorithm, "GenerateMac");
        byte[] mac = use.call(() -> kms.service().generateMac(resolved, message, algorithm), m -> { });
        return map("Mac", Base64.getEncoder().encodeToString(mac), "MacAlgorithm", algorithm.name(),
                "KeyId", kms.ids().keyArn(use.keyId()));
    }

    private Map<String, Object> verifyMac(JsonInput r) throws Exception {
        String resolved = kms.key(r, "KeyId");
        refuseDryRun(r);
        byte[] message = r.blob("Message", MAX_MESSAGE_BYTES);
        byte[] mac = r.blob("Mac", MAX_MAC_BYTES);
        MacAlgorithm algorithm = AsymmetricOperations.named(MacAlgorithm.class, "MacAlgorithm",
                r.requiredString("MacAlgorithm", 64));
        RequestedKeyUse use = RequestedKeyUse.of(kms, resolved).needsMac(algorithm, "VerifyMac");
        boolean valid = use.call(() -> kms.service().verifyMac(resolved, message, mac, algorithm), v -> { });
        if (!valid) {
            throw KmsError.kmsInvalidMac("the MAC is not valid for this message, key and MAC algorithm");
        }
        return map("KeyId", kms.ids().keyArn(use.keyId()), "MacValid", true, "MacAlgorithm", algorithm.name());
    }

    private static void refuseDryRun(JsonInput r) throws KmsError {
        if (r.bool("DryRun")) {
            throw KmsError.unsupported("DryRun is not supported yet");
        }
    }
}
