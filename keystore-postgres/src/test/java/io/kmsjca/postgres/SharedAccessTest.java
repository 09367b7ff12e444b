package io.kmsjca.postgres;

import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyUseDeniedException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Policies and grants are part of a key's row: a grant or a key policy put by one service of a
 * fleet decides the next request in every other, as soon as the change feed brings the row, and
 * at the latest within the fleet's staleness bound (docs/scaling.md).
 */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class SharedAccessTest {

    /** The fleet's staleness bound: no service may act on an older row than this. */
    private static final long STALENESS_BOUND_MILLIS = 60_000;

    private static final String ALICE_ONLY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}""";

    private final PostgresSettings settings;

    SharedAccessTest() throws Exception {
        settings = TestDatabase.shared().settings(TestDatabase.uniqueStoreName());
    }

    private static boolean appMayWrap(KeyService service) throws Exception {
        try (var as = KmsAuditContext.runAs("app")) {
            wrap(service, "orders");
            return true;
        } catch (KeyUseDeniedException refused) {
            return false;
        }
    }

    @Test
    void aGrantMadeInOneServiceAllowsAndItsRevocationRefusesInTheOther() throws Exception {
        try (KeyService a = open(settings); KeyService b = open(settings)) {
            a.createKey("orders", "shared");
            a.putKeyPolicy("orders", ALICE_ONLY, true);
            millisUntil(quietly(() -> !appMayWrap(b)), STALENESS_BOUND_MILLIS);

            KeyGrant grant;
            try (var as = KmsAuditContext.runAs("alice")) {
                grant = a.createGrant("orders", GrantRequest.to("app", Set.of(GrantOperation.Encrypt)));
            }
            long granted = millisUntil(quietly(() -> appMayWrap(b)), STALENESS_BOUND_MILLIS);
            try (var as = KmsAuditContext.runAs("alice")) {
                assertEquals(1, b.listGrants("orders").size());
            }

            try (var as = KmsAuditContext.runAs("alice")) {
                a.revokeGrant("orders", grant.grantId());
            }
            long revoked = millisUntil(quietly(() -> !appMayWrap(b)), STALENESS_BOUND_MILLIS);
            try (var as = KmsAuditContext.runAs("alice")) {
                assertTrue(b.listGrants("orders").isEmpty());
            }
            System.out.printf("access changes through the change feed: grant %d ms, revocation %d ms%n", granted, revoked);
        }
    }
}
