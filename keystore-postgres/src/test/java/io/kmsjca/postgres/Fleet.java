package io.kmsjca.postgres;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.internal.format.WrappedKeyBlob;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsProvider;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.Provider;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** What the shared-store tests do to a key service: open one on a store, wrap, unwrap, wait. */
final class Fleet {

    static final char[] PASSWORD = "fleet password".toCharArray();
    /** A cheap KDF and no periodic maintenance: what reaches another service came through the change feed. */
    static final KeyServiceOptions OPTIONS = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
            .withMaintenanceInterval(Duration.ZERO);
    private static final Provider PROVIDER = new KmsProvider();

    private Fleet() {
    }

    static KeyService open(PostgresSettings settings) throws IOException {
        return KeyStores.open(PostgresKeyRecordStore.open(settings), PASSWORD, OPTIONS);
    }

    static byte[] wrap(KeyService service, String alias) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.WRAP_MODE, handle(service, alias));
        return c.wrap(new SecretKeySpec(new byte[32], "AES"));
    }

    static Key unwrap(KeyService service, String alias, byte[] blob) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("KMSWrap", PROVIDER);
        c.init(Cipher.UNWRAP_MODE, handle(service, alias));
        return c.unwrap(blob, "AES", Cipher.SECRET_KEY);
    }

    /** The version a wrap under {@code alias} uses now. */
    static int wrapVersion(KeyService service, String alias) throws GeneralSecurityException {
        return WrappedKeyBlob.keyVersion(wrap(service, alias));
    }

    static KmsKeyHandle handle(KeyService service, String alias) throws GeneralSecurityException {
        return service.findKey(alias).orElseThrow(() -> new java.security.InvalidKeyException("no key " + alias));
    }

    /** Milliseconds until {@code condition} holds, polled every 5 ms; fails after {@code limitMillis}. */
    static long millisUntil(BooleanSupplier condition, long limitMillis) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if ((System.nanoTime() - start) / 1_000_000 > limitMillis) {
                throw new AssertionError("not within " + limitMillis + " ms");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** A check that treats any failure as "not yet". */
    static BooleanSupplier quietly(ThrowingCheck check) {
        return () -> {
            try {
                return check.test();
            } catch (Exception e) {
                return false;
            }
        };
    }

    @FunctionalInterface
    interface ThrowingCheck {
        boolean test() throws Exception;
    }
}
