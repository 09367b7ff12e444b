package io.kmsjca.keys;

import java.util.UUID;

/** One alias and the key it names (KMS ListAliases). */
public record KeyAlias(String alias, UUID keyId) {
}
