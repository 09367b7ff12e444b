package io.kmsjca.internal.service;

import io.kmsjca.keys.KeyStateException;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Review of the shared lockout check (KeyChanges.withPolicy): PutKeyPolicy on a key whose
 * material was destroyed is refused as a key state, audited, with or without the bypass, as
 * every other change of such a key is; never an unaudited IllegalStateException.
 */
class PutKeyPolicyOnDestroyedKeyTest {

    static final String POLICY = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "root"}, "Action": "kms:*", "Resource": "*"}]}""";

    @TempDir
    Path dir;
    LifecycleFixture f;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        f = new LifecycleFixture(dir);
        id = f.keys.createKey("orders", "").keyId().toString();
        f.keys.scheduleKeyDeletion(id, 7);
        f.clock.advance(Duration.ofDays(7));
        assertEquals(1, f.keys.runMaintenance().destroyed());
    }

    @Test
    void withTheBypass_isAKeyStateRefusal_audited() {
        refusedAndAudited(true);
    }

    @Test
    void withoutTheBypass_isAKeyStateRefusal_audited() {
        refusedAndAudited(false);
    }

    private void refusedAndAudited(boolean bypass) {
        int before = events();
        assertThrows(KeyStateException.class, () -> f.keys.putKeyPolicy(id, POLICY, bypass));
        assertEquals(before + 1, events(), "one PutKeyPolicy event for the request");
        assertEquals(AuditOutcome.DENIED, f.last(AuditOperation.PUT_KEY_POLICY).outcome());
    }

    private int events() {
        f.keys.auditRecorder().flush();
        return (int) f.audit.stream().filter(e -> e.operation() == AuditOperation.PUT_KEY_POLICY).count();
    }
}
