package io.kmsjca.internal.service;

import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The security review of access keys (issue #18): each test is the proof of one finding, written
 * to fail while the finding stands.
 */
class AccessKeyReviewFindingsTest {

    static final char[] ADMIN_PASSWORD = "store-password".toCharArray();

    @TempDir
    Path dir;
    Path file;
    Path serverKeyFile;
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final List<KeyService> open = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        file = dir.resolve("keys.kms");
        serverKeyFile = dir.resolve("server.key");
        try (KeyService admin = KmsAdmin.open(file, ADMIN_PASSWORD, options())) {
            CreatedCredential server = admin.createCredential(CredentialRequest.withKeyFile("kms-server").actsForOthers(true));
            server.writeKeyFile(serverKeyFile);
            server.wipe();
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        for (KeyService s : open) {
            s.close();
        }
    }

    KeyServiceOptions options() {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO).withAuditListeners(List.of(audit::add));
    }

    KeyService openWith(KmsCredential credential) throws IOException {
        KeyService s = KmsAdmin.open(file, credential, options());
        open.add(s);
        return s;
    }

    KeyService admin() throws IOException {
        return openWith(KmsCredential.password(ADMIN_PASSWORD));
    }

    /** The server's credential as docs/authorization.md recommends it: acts for others, not an administrator. */
    KeyService server() throws IOException {
        return openWith(KmsCredential.keyFile(serverKeyFile));
    }

    AuditEvent last(AuditOperation op) {
        List<AuditEvent> events = audit.stream().filter(e -> e.operation() == op).toList();
        assertFalse(events.isEmpty(), "no " + op + " event");
        return events.get(events.size() - 1);
    }

    /** Creates a key (a refusal is audited too) and returns the audit event that says as whom. */
    AuditEvent createKeyEvent(KeyService keys, String name) throws Exception {
        int before = audit.size();
        try {
            keys.createKey(name, "");
        } catch (KeyAccessDeniedException refused) {
            // audited DENIED, with the principal it was decided as
        }
        assertTrue(audit.size() > before, "no event for " + name);
        return last(AuditOperation.CREATE_KEY);
    }

    // ------------------------------------------------------------------ F1: non-administrator -> administrator

    /**
     * F1. A store opened with a credential that acts for others but is not an administrator (the
     * server's credential docs/authorization.md recommends) takes an administrator's access key
     * by its id (not a secret: it is in every audit event's source) and, inside its actAs scope,
     * mints itself a permanent administrator credential. docs/authorization.md says a credential
     * through the provider's API "cannot ... promote itself, create credentials".
     */
    @Test
    void f1_aNonAdministratorCredentialDoesNotMintAnAdministratorCredentialThroughAnAdministratorsAccessKey()
            throws Exception {
        String opsId = admin().createAccessKey("ops", true).info().accessKeyId();
        KeyService server = server();
        assertFalse(server.credential().administrator(), "the server's credential is no administrator");
        Path stolen = dir.resolve("mallory.key");
        try {
            Optional<AccessKeySigner> ops = server.accessKey(opsId);
            if (ops.isPresent()) {
                try (var scope = ops.get().actAs("inside the server's JVM")) {
                    CreatedCredential minted = server.createCredential(CredentialRequest.withKeyFile("mallory")
                            .administrator(true));
                    minted.writeKeyFile(stolen);
                    minted.wipe();
                }
            }
        } catch (KeyAccessDeniedException refused) {
            // what the fix does: refused
        }
        KeyService admin = admin();
        List<String> credentials = admin.listCredentials().stream().map(CredentialInfo::principal).toList();
        assertFalse(credentials.contains("mallory"),
                "a non-administrator credential made itself an administrator credential: " + credentials);
    }

    /**
     * F1, the same root: the non-administrator credential gets a signing oracle for an
     * administrator's access key, so it can sign any request to any server of the fleet as that
     * administrator (SigV4 needs nothing else: the signature is all a server checks).
     */
    @Test
    void f1_aNonAdministratorCredentialGetsNoSignatureUnderAnAdministratorsSecret() throws Exception {
        var created = admin().createAccessKey("ops", true);
        String opsId = created.info().accessKeyId();
        byte[] secret = new String(created.secretAccessKey()).getBytes(StandardCharsets.US_ASCII);
        created.wipe();
        byte[] stringToSign = SigV4.stringToSign("20261203T200000Z", SigV4.scope("20261203", "local", "kms"),
                "POST\n/\n\nhost:kms\nx-amz-target:TrentService.ScheduleKeyDeletion\n\nhost;x-amz-target\n"
                        + "0".repeat(64)).getBytes(StandardCharsets.UTF_8);
        byte[] asOps = SigV4.hmac(SigV4.signingKey(secret, "20261203", "local", "kms"), stringToSign);
        KeyService server = server();
        byte[] forged = null;
        try {
            Optional<AccessKeySigner> ops = server.accessKey(opsId);
            if (ops.isPresent()) {
                forged = ops.get().signature("20261203", "local", "kms", stringToSign);
            }
        } catch (KeyAccessDeniedException | IllegalStateException refused) {
            // what the fix does: refused
        }
        assertFalse(forged != null && java.security.MessageDigest.isEqual(asOps, forged),
                "a non-administrator credential signed as the administrator's access key");
    }

    // ------------------------------------------------------------------ F2: scopes closed out of order

    /**
     * F2. Two actAs scopes on one thread closed outer first (a finally block, a framework that
     * closes resources in the order it opened them, a scope kept in a field): after both are
     * closed the thread still acts as the outer access key, for every later request through the
     * service on that thread (a pooled server thread serves the next client with it).
     */
    @Test
    void f2_scopesClosedOuterFirstLeaveNoAccessKeyIdentityOnTheThread() throws Exception {
        KeyService admin = admin();
        AccessKeySigner ops = admin.accessKey(admin.createAccessKey("ops", true).info().accessKeyId()).orElseThrow();
        AccessKeySigner bob = admin.accessKey(admin.createAccessKey("bob", false).info().accessKeyId()).orElseThrow();
        var outer = ops.actAs("10.0.0.1");
        var inner = bob.actAs("10.0.0.2");
        outer.close();
        inner.close();
        AuditEvent event = createKeyEvent(admin, "after-both-scopes");
        assertEquals(AuditOutcome.SUCCESS, event.outcome());
        assertFalse(event.principalSource().startsWith("access-key"),
                "no scope is open, yet the request was made as " + event.principal() + " (" + event.principalSource() + ")");
        assertTrue(!"ops".equals(event.principal()), event.principal());
    }

    /** F2, the other way round: closing the outer scope also ends the inner one, which must not come back. */
    @Test
    void f2_theInnerScopeClosedAfterTheOuterDoesNotRestoreTheOuterIdentity() throws Exception {
        KeyService admin = admin();
        AccessKeySigner bob = admin.accessKey(admin.createAccessKey("bob", false).info().accessKeyId()).orElseThrow();
        AccessKeySigner carol = admin.accessKey(admin.createAccessKey("carol", false).info().accessKeyId()).orElseThrow();
        var outer = bob.actAs("10.0.0.3");
        var inner = carol.actAs("10.0.0.4");
        outer.close();
        AuditEvent afterOuter = createKeyEvent(admin, "after-outer");
        inner.close();
        AuditEvent afterInner = createKeyEvent(admin, "after-inner");
        assertFalse(afterOuter.principalSource().startsWith("access-key"),
                "the outer scope is closed, yet the request was made as " + afterOuter.principal());
        assertFalse(afterInner.principalSource().startsWith("access-key"),
                "both scopes are closed, yet the request was made as " + afterInner.principal());
    }

    // ------------------------------------------------------------------ F3: the audit trail cannot tell which key

    /**
     * F3. The audit events of making and deleting an access key say neither which access key nor
     * for whom nor whether it is an administrator's: after an incident the trail shows that an
     * administrator made "an access key", not that it made an administrator key for mallory, nor
     * which one a later deletion removed (IAM's CloudTrail events carry the user name and the
     * access key id). The requests made with a key name it; its birth and death do not.
     */
    @Test
    void f3_theEventsOfMakingAndDeletingAnAccessKeyNameIt() throws Exception {
        KeyService admin = admin();
        String id = admin.createAccessKey("mallory", true).info().accessKeyId();
        AuditEvent created = last(AuditOperation.CREATE_ACCESS_KEY);
        admin.deleteAccessKey(id);
        AuditEvent deleted = last(AuditOperation.DELETE_ACCESS_KEY);
        assertEquals(AuditOutcome.SUCCESS, created.outcome());
        assertEquals(AuditOutcome.SUCCESS, deleted.outcome());
        assertTrue(created.toString().contains(id) && created.toString().contains("mallory"),
                "CREATE_ACCESS_KEY names neither the key nor its principal: " + created);
        assertTrue(deleted.toString().contains(id), "DELETE_ACCESS_KEY does not name the key: " + deleted);
    }
}
