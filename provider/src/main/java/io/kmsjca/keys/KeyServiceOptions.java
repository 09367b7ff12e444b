package io.kmsjca.keys;

import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.spi.audit.AuditListener;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a key service behaves: the KDF for new passwords (at least OWASP's 19 MiB and two passes,
 * or {@link Argon2Params#insecureForTests()} in tests), the deletion waiting period, the
 * usage limit that triggers rotation, how often maintenance runs, the clock (injected so tests
 * move time instead of sleeping) and audit listeners. Randomness is not an option: every key,
 * salt and nonce comes from the provider's own generator.
 *
 * @param pendingWindowDays      days between scheduling a deletion and destroying the material, 7..30
 * @param usageRotationThreshold wraps under one version after which the key rotates (docs/decisions.md:
 *                               half the 2^32 limit by default); at twice this a wrap rotates at once
 * @param maintenanceInterval    how often scheduled rotations, destructions and usage counts are
 *                               handled in the background; zero for none (call
 *                               {@link KeyService#runMaintenance()} instead)
 * @param auditListeners         listeners added in code
 * @param audit                  how audit events are delivered, and the built-in sinks
 * @param region                 the region of the store's key ARNs ({@code arn:aws:kms:REGION:ACCOUNT:key/ID}),
 *                               as policies' {@code Resource} and a server's responses name them
 * @param account                the store's 12-digit account: key ARNs carry it and policies name the
 *                               store as {@code arn:aws:iam::ACCOUNT:root}
 */
public record KeyServiceOptions(Argon2Params kdf, int pendingWindowDays, long usageRotationThreshold,
                                Duration maintenanceInterval, Clock clock,
                                List<AuditListener> auditListeners, AuditOptions audit, String region, String account) {

    /** The region of key ARNs unless {@link #withRegionAndAccount} names another. */
    public static final String DEFAULT_REGION = "local";
    /** The account of key ARNs and policies unless {@link #withRegionAndAccount} names another. */
    public static final String DEFAULT_ACCOUNT = "000000000000";
    private static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?");
    private static final java.util.regex.Pattern ACCOUNT = java.util.regex.Pattern.compile("[0-9]{12}");

    public static final int MIN_PENDING_WINDOW_DAYS = 7;
    public static final int MAX_PENDING_WINDOW_DAYS = 30;
    /** Half of 2^32: rotation starts with the whole second half as margin. */
    public static final long DEFAULT_USAGE_ROTATION_THRESHOLD = 1L << 31;

    public KeyServiceOptions {
        Objects.requireNonNull(kdf, "kdf").requireFloorForNewPasswords();
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(maintenanceInterval, "maintenanceInterval");
        Objects.requireNonNull(audit, "audit");
        auditListeners = List.copyOf(auditListeners);
        checkPendingWindow(pendingWindowDays);
        if (usageRotationThreshold < 1 || usageRotationThreshold > DEFAULT_USAGE_ROTATION_THRESHOLD) {
            throw new IllegalArgumentException("usage rotation threshold must be 1.." + DEFAULT_USAGE_ROTATION_THRESHOLD);
        }
        if (maintenanceInterval.isNegative()) {
            throw new IllegalArgumentException("maintenance interval must not be negative");
        }
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("a region is 1 to 32 lower-case letters, digits and inner hyphens");
        }
        if (account == null || !ACCOUNT.matcher(account).matches()) {
            throw new IllegalArgumentException("an account is 12 digits");
        }
    }

    /** The options before the region and account existed: {@link #DEFAULT_REGION}, {@link #DEFAULT_ACCOUNT}. */
    public KeyServiceOptions(Argon2Params kdf, int pendingWindowDays, long usageRotationThreshold,
                             Duration maintenanceInterval, Clock clock, List<AuditListener> auditListeners, AuditOptions audit) {
        this(kdf, pendingWindowDays, usageRotationThreshold, maintenanceInterval, clock, auditListeners, audit,
                DEFAULT_REGION, DEFAULT_ACCOUNT);
    }

    /** Argon2id at its default cost, a 30-day deletion window, rotation at 2^31 wraps, maintenance every minute. */
    public static KeyServiceOptions defaults() {
        return new KeyServiceOptions(Argon2Params.DEFAULT, MAX_PENDING_WINDOW_DAYS, DEFAULT_USAGE_ROTATION_THRESHOLD,
                Duration.ofMinutes(1), Clock.systemUTC(), List.of(), AuditOptions.DEFAULTS);
    }

    public KeyServiceOptions withKdf(Argon2Params next) {
        return new KeyServiceOptions(next, pendingWindowDays, usageRotationThreshold, maintenanceInterval, clock,
                auditListeners, audit, region, account);
    }

    public KeyServiceOptions withClock(Clock next) {
        return new KeyServiceOptions(kdf, pendingWindowDays, usageRotationThreshold, maintenanceInterval, next,
                auditListeners, audit, region, account);
    }

    public KeyServiceOptions withPendingWindowDays(int days) {
        return new KeyServiceOptions(kdf, days, usageRotationThreshold, maintenanceInterval, clock,
                auditListeners, audit, region, account);
    }

    public KeyServiceOptions withUsageRotationThreshold(long wraps) {
        return new KeyServiceOptions(kdf, pendingWindowDays, wraps, maintenanceInterval, clock,
                auditListeners, audit, region, account);
    }

    public KeyServiceOptions withMaintenanceInterval(Duration interval) {
        return new KeyServiceOptions(kdf, pendingWindowDays, usageRotationThreshold, interval, clock,
                auditListeners, audit, region, account);
    }

    public KeyServiceOptions withAuditListeners(List<AuditListener> listeners) {
        return new KeyServiceOptions(kdf, pendingWindowDays, usageRotationThreshold, maintenanceInterval, clock,
                listeners, audit, region, account);
    }

    public KeyServiceOptions withAudit(AuditOptions next) {
        return new KeyServiceOptions(kdf, pendingWindowDays, usageRotationThreshold, maintenanceInterval, clock,
                auditListeners, next, region, account);
    }

    /**
     * The region and account of the store's key ARNs and of the account principal its policies
     * name; a fleet of servers on one store opens it with the same pair (docs/server.md).
     */
    public KeyServiceOptions withRegionAndAccount(String nextRegion, String nextAccount) {
        return new KeyServiceOptions(kdf, pendingWindowDays, usageRotationThreshold, maintenanceInterval, clock,
                auditListeners, audit, nextRegion, nextAccount);
    }

    static void checkPendingWindow(int days) {
        if (days < MIN_PENDING_WINDOW_DAYS || days > MAX_PENDING_WINDOW_DAYS) {
            throw new IllegalArgumentException("the deletion waiting period must be " + MIN_PENDING_WINDOW_DAYS
                    + ".." + MAX_PENDING_WINDOW_DAYS + " days, was " + days);
        }
    }
}
