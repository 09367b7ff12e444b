package io.kmsjca.server;

import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.WrappingAlgorithm;

import java.util.Base64;
import java.util.Map;

import static io.kmsjca.server.Shapes.map;

/** Bring your own key: GetParametersForImport, ImportKeyMaterial, DeleteImportedKeyMaterial (AWS KMS's API). */
final class ImportOperations {

    /** An import token is 95 bytes; AWS allows up to 6144. */
    static final int MAX_TOKEN_BYTES = 6144;
    /** Encrypted material: AWS allows up to 6144 bytes (an RSA-4096 private key wrapped with AES-KWP). */
    static final int MAX_ENCRYPTED_BYTES = 6144;

    private final OperationContext kms;

    ImportOperations(OperationContext kms) {
        this.kms = kms;
    }

    void register(Map<String, Operation> table) {
        table.put("GetParametersForImport", this::parameters);
        table.put("ImportKeyMaterial", this::importMaterial);
        table.put("DeleteImportedKeyMaterial", r -> {
            String key = kms.key(r, "KeyId");
            kms.service().deleteImportedKeyMaterial(key);
            return Map.of();
        });
    }

    private Map<String, Object> parameters(JsonInput r) throws Exception {
        String key = kms.key(r, "KeyId");
        WrappingAlgorithm algorithm = pick(WrappingAlgorithm.class, r.requiredString("WrappingAlgorithm", 64), "WrappingAlgorithm");
        KeySpec spec = pick(KeySpec.class, r.requiredString("WrappingKeySpec", 64), "WrappingKeySpec");
        ImportParameters p = kms.service().getParametersForImport(key, algorithm, spec);
        Base64.Encoder b64 = Base64.getEncoder();
        return map("KeyId", kms.ids().keyArn(p.keyId()), "ImportToken", b64.encodeToString(p.importToken()),
                "PublicKey", b64.encodeToString(p.publicKey()), "ParametersValidTo", p.parametersValidTo());
    }

    private Map<String, Object> importMaterial(JsonInput r) throws Exception {
        String key = kms.key(r, "KeyId");
        byte[] token = r.blob("ImportToken", MAX_TOKEN_BYTES);
        byte[] encrypted = r.blob("EncryptedKeyMaterial", MAX_ENCRYPTED_BYTES);
        String model = r.string("ExpirationModel", 64);
        ExpirationModel expiration = model == null ? ExpirationModel.KEY_MATERIAL_EXPIRES
                : pick(ExpirationModel.class, model, "ExpirationModel");
        r.refuse("ImportType", ": a key of origin EXTERNAL takes one material for life (no new key material)");
        kms.service().importKeyMaterial(key, token, encrypted, expiration, r.instant("ValidTo"));
        return map("KeyId", key);
    }

    private static <E extends Enum<E>> E pick(Class<E> type, String name, String member) throws KmsError {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw KmsError.validation(member + " " + name + " is not one of " + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }
}
