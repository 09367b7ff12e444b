package io.kmsjca.keys;

import io.kmsjca.crypto.Argon2Params;
import io.kmsjca.spi.audit.AuditListener;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * How a key service behaves: the KDF for new passwords, the deletion waiting period, the
 * clock (injected so tests move time instead of sleeping), randomness and audit listeners.
 *
 * @param pendingWindowDays days between scheduling a deletion and destroying the material, 7..30
 */
public record KeyServiceOptions(Argon2Params kdf, int pendingWindowDays, Clock clock, SecureRandom random,
                                List<AuditListener> auditListeners) {

    public static final int MIN_PENDING_WINDOW_DAYS = 7;
    public static final int MAX_PENDING_WINDOW_DAYS = 30;

    public KeyServiceOptions {
        Objects.requireNonNull(kdf, "kdf");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(random, "random");
        auditListeners = List.copyOf(auditListeners);
        checkPendingWindow(pendingWindowDays);
    }

    /** Argon2id at its default cost, a 30-day deletion window, the system clock. */
    public static KeyServiceOptions defaults() {
        return new KeyServiceOptions(Argon2Params.DEFAULT, MAX_PENDING_WINDOW_DAYS, Clock.systemUTC(),
                new SecureRandom(), List.of());
    }

    public KeyServiceOptions withKdf(Argon2Params next) {
        return new KeyServiceOptions(next, pendingWindowDays, clock, random, auditListeners);
    }

    public KeyServiceOptions withClock(Clock next) {
        return new KeyServiceOptions(kdf, pendingWindowDays, next, random, auditListeners);
    }

    public KeyServiceOptions withPendingWindowDays(int days) {
        return new KeyServiceOptions(kdf, days, clock, random, auditListeners);
    }

    public KeyServiceOptions withAuditListeners(List<AuditListener> listeners) {
        return new KeyServiceOptions(kdf, pendingWindowDays, clock, random, listeners);
    }

    static void checkPendingWindow(int days) {
        if (days < MIN_PENDING_WINDOW_DAYS || days > MAX_PENDING_WINDOW_DAYS) {
            throw new IllegalArgumentException("the deletion waiting period must be " + MIN_PENDING_WINDOW_DAYS
                    + ".." + MAX_PENDING_WINDOW_DAYS + " days, was " + days);
        }
    }
}
