package io.kmsjca.internal.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one rule for alias names. An alias is case-insensitive, as in the JDK's JKS and PKCS12
 * key stores, and {@code alias/orders} (the AWS KMS spelling) names the same alias as
 * {@code orders}.
 */
public final class Aliases {

    public static final int MAX_LENGTH = 256;
    private static final String KMS_PREFIX = "alias/";
    private static final Pattern VALID = Pattern.compile("[a-z0-9:/_.-]{1," + MAX_LENGTH + "}");

    private Aliases() {
    }

    /**
     * An alias as a record stores it, already canonical: checked, never changed, so that reading a
     * store again cannot turn one alias into another (a name written as {@code alias/x} before the
     * rule below refused it stays {@code alias/x}, and does not become {@code x}).
     *
     * @throws IllegalArgumentException the stored name is empty, too long, or not canonical
     */
    public static String stored(String alias) {
        if (alias == null || !VALID.matcher(alias).matches()) {
            throw new IllegalArgumentException("stored alias is not a canonical alias name");
        }
        return alias;
    }

    /**
     * The canonical form of an alias.
     *
     * @throws IllegalArgumentException the alias is empty, too long, or has a character outside
     *                                  letters, digits and {@code : / _ . -}
     */
    public static String normalize(String alias) {
        if (alias == null) {
            throw new IllegalArgumentException("alias is null");
        }
        String a = alias.toLowerCase(Locale.ROOT);
        if (a.startsWith(KMS_PREFIX)) {
            a = a.substring(KMS_PREFIX.length());
        }
        if (!VALID.matcher(a).matches()) {
            throw new IllegalArgumentException("invalid alias '" + alias + "': use 1.." + MAX_LENGTH
                    + " letters, digits or : / _ . -");
        }
        if (a.startsWith(KMS_PREFIX)) {
            // alias/alias/x would be the alias 'alias/x', which lists as the AWS spelling of the alias x
            throw new IllegalArgumentException("invalid alias '" + alias + "': a name cannot start with alias/ twice");
        }
        return a;
    }
}
