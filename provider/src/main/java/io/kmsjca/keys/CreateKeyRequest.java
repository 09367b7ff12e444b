package io.kmsjca.keys;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link KeyService#createKey(CreateKeyRequest)} creates (KMS CreateKey): an AES-256 key
 * (spec SYMMETRIC_DEFAULT, usage ENCRYPT_DECRYPT) generated inside the provider.
 *
 * <pre>{@code
 * keys.createKey(CreateKeyRequest.withAlias("orders").description("order rows").tags(Map.of("team", "shop"))
 *         .rotationPeriodDays(365));
 * }</pre>
 *
 * @param alias              an alias, or null
 * @param rotationPeriodDays automatic rotation period (90..2560), or 0 for none
 */
public record CreateKeyRequest(String alias, String description, Map<String, String> tags, int rotationPeriodDays) {

    public CreateKeyRequest {
        Objects.requireNonNull(description, "description");
        tags = Map.copyOf(tags);
    }

    public static CreateKeyRequest withAlias(String alias) {
        return new CreateKeyRequest(alias, "", Map.of(), 0);
    }

    public static CreateKeyRequest withoutAlias() {
        return withAlias(null);
    }

    public CreateKeyRequest description(String text) {
        return new CreateKeyRequest(alias, text, tags, rotationPeriodDays);
    }

    public CreateKeyRequest tags(Map<String, String> next) {
        return new CreateKeyRequest(alias, description, next, rotationPeriodDays);
    }

    public CreateKeyRequest rotationPeriodDays(int days) {
        return new CreateKeyRequest(alias, description, tags, days);
    }
}
