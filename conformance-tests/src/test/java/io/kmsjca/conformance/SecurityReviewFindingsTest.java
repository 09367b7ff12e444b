package io.kmsjca.conformance;

import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditOptions;
import io.kmsjca.keys.KeyService;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsKeyStores;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.UnrecoverableEntryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Proof programs of the security review of the issue #14 changes. Each test is an
 * attack that must fail.
 */
class SecurityReviewFindingsTest {

    private static final char[] PASSWORD = "configured-password".toCharArray();

    @TempDir
    Path dir;

    /**
     * Finding 1: {@code KmsLoadParameter.of(service)} promises a view that may use keys only. For a
     * service that has no password (a new in-memory store), {@code KeyService.verifyPassword}
     * accepts every password, so {@code KmsKeyStores.keyService(view, anything)} hands the code
     * holding the view the whole KeyService, and with it export (KeyStores.write), import and delete.
     */
    @Test
    void keysOnlyViewOfAnInMemoryStore_managementWithAGuessedPassword_isRejected() throws Exception {
        KeyService owner = KeyStores.newInMemory(Fixtures.cheapOptions());
        owner.createKey("orders", "");
        KeyStore view = KeyStore.getInstance("KMS", new KmsProvider());
        view.load(KmsLoadParameter.of(owner));
        assertThrows(IOException.class, () -> view.store(new ByteArrayOutputStream(), "mine".toCharArray()),
                "the view itself refuses to export");
        assertThrows(UnrecoverableEntryException.class, () -> {
            KeyService stolen = KmsKeyStores.keyService(view, "any guess".toCharArray());
            KeyStores.write(stolen, new ByteArrayOutputStream(), "mine".toCharArray()); // every master key leaves
        }, "a keys-only view must not turn into the key service under a guessed password");
    }

    /**
     * Finding 2: a wrong password given to the management API ({@code KmsKeyStores.keyService},
     * i.e. {@code getEntry("#kms-management")}) is refused but not audited, so code holding a
     * loaded KeyStore can guess the store password without a trace, while the same guess through
     * {@code load(null, guess)} is audited.
     */
    @Test
    void managementApiWithAWrongPassword_isRejectedAndAudited() throws Exception {
        Path conf = dir.resolve("kms.conf");
        Files.writeString(dir.resolve("password"), new String(PASSWORD) + "\n");
        Files.writeString(conf, String.join("\n",
                "store.file=keys.kms", "store.password.file=password", "kdf.insecureForTests=true", ""));
        Provider provider = new KmsProvider().configure(conf.toString());
        KeyStore admin = KeyStore.getInstance("KMS", provider);
        admin.load(null, PASSWORD);
        List<AuditEvent> events = new CopyOnWriteArrayList<>();
        KmsKeyStores.keyService(admin, PASSWORD).addAuditListener(events::add);
        KeyStore user = KeyStore.getInstance("KMS", provider);
        user.load(null, null);
        events.clear();

        assertThrows(UnrecoverableEntryException.class, () -> KmsKeyStores.keyService(user, "guess".toCharArray()));

        List<AuditEvent> refusals = events.stream().filter(e -> e.operation() == AuditOperation.LOAD_KEY_STORE
                && e.outcome() != AuditOutcome.SUCCESS).toList();
        assertEquals(1, refusals.size(), () -> "the wrong password is audited once: " + events);
    }

    /**
     * Finding 3: checkpoints are kept per chain id, the hash of the log's first record. Whoever can
     * write the audit log deletes it whole (or empties it); the store, reopened, starts a new chain
     * with a new id, for which the store has no checkpoint, so the verifier reports the log intact:
     * every record up to the store's checkpoint vanished unseen.
     */
    @Test
    void auditLogDeletedWhole_thenReopenAndLogMore_isRejectedAsTruncated() throws Exception {
        Path log = dir.resolve("audit.jsonl");
        Path store = dir.resolve("keys.kms");
        var options = Fixtures.cheapOptions().withMaintenanceInterval(Duration.ZERO)
                .withAudit(AuditOptions.DEFAULTS.withFile(log, true, 1 << 20));
        try (KeyService keys = KeyStores.openFile(store, PASSWORD, options)) {
            KmsKeyHandle key = keys.createKey("orders", "");
            Cipher c = Cipher.getInstance("KMSWrap", new KmsProvider());
            for (int i = 0; i < 5; i++) {
                c.init(Cipher.WRAP_MODE, key, new KmsEncryptionContextSpec(Map.of("tenant", "t" + i)));
                c.wrap(new SecretKeySpec(new byte[32], "AES"));
            }
        } // close keeps the checkpoint: the last record
        long before = Files.readAllLines(log).size();
        assertTrue(before > 5, "records were logged and checkpointed");

        Files.delete(log); // the attacker's cut: everything

        try (KeyService again = KeyStores.openFile(store, PASSWORD, options)) {
            again.disableKey("orders"); // the chain starts again at record 1
        }
        AuditLogVerifier.Report report;
        try (KeyService reader = KeyStores.openFile(store, PASSWORD, Fixtures.cheapOptions()
                .withMaintenanceInterval(Duration.ZERO))) {
            report = reader.auditLogVerifier().verify(log);
        }
        assertFalse(report.intact(), () -> before + " checkpointed records were deleted, yet: " + report.detail());
        assertEquals(AuditLogVerifier.Problem.TRUNCATED, report.problem(), report.detail());
    }
}
