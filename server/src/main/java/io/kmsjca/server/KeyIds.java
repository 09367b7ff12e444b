package io.kmsjca.server;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Key identifiers as AWS KMS accepts them (a key id, a key ARN, an alias name, an alias ARN) and
 * the ARNs responses carry ({@code arn:aws:kms:REGION:ACCOUNT:key/ID}), for this server's region
 * and account. An ARN of another region or account names no key here.
 */
final class KeyIds {

    /** AWS's limit on a KeyId parameter. */
    static final int MAX_KEY_ID_CHARS = 2048;
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final String prefix;

    KeyIds(String region, String account) {
        this.prefix = "arn:aws:kms:" + region + ":" + account + ":";
    }

    String keyArn(UUID keyId) {
        return prefix + "key/" + keyId;
    }

    /** {@code alias/NAME} as AWS spells it, from the provider's name (kept without the prefix). */
    static String aliasName(String alias) {
        return "alias/" + alias; // the provider's names never carry the prefix (Aliases.normalize)
    }

    /** The ARN of the provider's alias {@code alias} (kept without the prefix). */
    String aliasArn(String alias) {
        return prefix + aliasName(alias);
    }

    /** The ARN of an alias as a request names it, {@code alias/NAME} ({@link #requireAliasName}). */
    String requestedAliasArn(String aliasName) {
        return prefix + aliasName;
    }

    /**
     * What the key service takes for {@code keyId}: a key id (from an id or a key ARN), or
     * {@code alias/NAME} (from an alias name or an alias ARN).
     */
    String resolve(String keyId) throws KmsError {
        if (keyId.startsWith("arn:")) {
            if (!keyId.startsWith(prefix)) {
                throw KmsError.notFound("Invalid arn " + keyId + ": not a key of region and account " + prefix.substring(12, prefix.length() - 1));
            }
            String resource = keyId.substring(prefix.length());
            if (resource.startsWith("key/") && UUID_TEXT.matcher(resource.substring(4)).matches()) {
                return resource.substring(4).toLowerCase(java.util.Locale.ROOT);
            }
            if (resource.startsWith("alias/") && resource.length() > 6) {
                return resource;
            }
            throw KmsError.notFound("Invalid arn " + keyId);
        }
        if (UUID_TEXT.matcher(keyId).matches()) {
            return keyId.toLowerCase(java.util.Locale.ROOT);
        }
        if (keyId.startsWith("alias/") && keyId.length() > 6) {
            return keyId;
        }
        throw KmsError.notFound("Invalid keyId " + keyId);
    }

    /** The alias name of an {@code AliasName} parameter, which must start with {@code alias/}. */
    static String requireAliasName(String aliasName) throws KmsError {
        if (!aliasName.startsWith("alias/") || aliasName.length() == 6) {
            throw KmsError.validation("AliasName must begin with alias/ followed by a name, not " + aliasName);
        }
        return aliasName;
    }
}
