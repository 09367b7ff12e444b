package io.kmsjca.cli;

import io.kmsjca.cli.GrantInputs.Constraints;
import io.kmsjca.cli.GrantInputs.GrantRef;
import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyGrant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Who may do what, by grant: KMS CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and
 * RevokeGrant. A grant takes effect at once, so grant tokens are never needed to use one.
 */
final class GrantCommands {

    private static final String KEY_ID = "The key: its key id, key ARN, or an alias (orders or alias/orders).";
    private static final String LIMIT = "At most this many grants (1..100, default 50).";
    private static final String MARKER = "The NextMarker of the previous page.";

    private GrantCommands() {
    }

    @Command(mixinStandardHelpOptions = true, name = "create-grant", description = "Let a principal perform some "
            + "operations with a key, whatever the key policy says (an explicit Deny still wins). Takes effect at once, "
            + "so the GrantToken printed is never needed to use the grant; it names the grant for retire-grant. With "
            + "--name, creating the same grant again returns the existing one.",
            footer = {"", "Example:", "  kms create-grant --key-id alias/orders --grantee-principal app \\",
                    "      --operations Decrypt GenerateDataKey --retiring-principal admin \\",
                    "      --constraints EncryptionContextSubset={dept=IT}"})
    static void createGrant(@Mixin Common common,
                            @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                            @Option(names = "--grantee-principal", paramLabel = "PRINCIPAL", required = true,
                                    description = "Who the grant lets act.") String grantee,
                            @Option(names = "--operations", paramLabel = "OPERATION", required = true, arity = "1..*",
                                    split = ",",
                                    description = "What it allows, by AWS's names: Decrypt Encrypt GenerateDataKey "
                                            + "GenerateDataKeyWithoutPlaintext ReEncryptFrom ReEncryptTo CreateGrant "
                                            + "RetireGrant DescribeKey ...") List<String> operations,
                            @Option(names = "--retiring-principal", paramLabel = "PRINCIPAL",
                                    description = "Who may retire the grant besides its grantee.") String retiring,
                            @Option(names = "--name", paramLabel = "NAME", description = "A name that makes the request "
                                    + "idempotent: the same request with the same name returns the same grant.") String name,
                            @Option(names = "--constraints", paramLabel = "CONSTRAINTS",
                                    converter = GrantInputs.ConstraintsConverter.class,
                                    description = "EncryptionContextSubset={k=v,...} or EncryptionContextEquals={k=v,...}, "
                                            + "or the JSON {\"EncryptionContextSubset\":{\"k\":\"v\"}}.") Constraints constraints)
            throws GeneralSecurityException, IOException {
        Constraints c = constraints == null ? Constraints.NONE : constraints;
        GrantRequest request = new GrantRequest(grantee, GrantInputs.operations(operations), retiring, name, c.equals(), c.subset());
        common.withStore(keys -> {
            KeyGrant grant = keys.createGrant(Inputs.keyRef(keyId), request);
            common.print(Shapes.result().with("GrantToken", GrantInputs.token(grant.keyId().toString(), grant.grantId()))
                    .with("GrantId", grant.grantId()));
        });
    }

    @Command(mixinStandardHelpOptions = true, name = "list-grants", description = "The grants on a key, oldest first.",
            footer = {"", "Example:", "  kms list-grants --key-id alias/orders --output table"})
    static void listGrants(@Mixin Common common,
                           @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                           @Option(names = "--grant-id", paramLabel = "ID", description = "Only this grant.") String grantId,
                           @Option(names = "--grantee-principal", paramLabel = "PRINCIPAL",
                                   description = "Only the grants to this principal.") String grantee,
                           @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = LIMIT) int limit,
                           @Option(names = "--marker", paramLabel = "MARKER", description = MARKER) String marker)
            throws GeneralSecurityException, IOException {
        GrantPage.checkLimit(limit);
        common.withStore(keys -> common.print(GrantPage.of(keys.listGrants(Inputs.keyRef(keyId)).stream()
                .filter(g -> grantId == null || g.grantId().equals(grantId))
                .filter(g -> grantee == null || g.granteePrincipal().equals(grantee)).toList(), limit, marker)));
    }

    @Command(mixinStandardHelpOptions = true, name = "list-retirable-grants", description = "The grants, on every key, "
            + "that name this retiring principal.",
            footer = {"", "Example:", "  kms list-retirable-grants --retiring-principal admin"})
    static void listRetirableGrants(@Mixin Common common,
                                    @Option(names = "--retiring-principal", paramLabel = "PRINCIPAL", required = true,
                                            description = "The retiring principal.") String retiring,
                                    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = LIMIT) int limit,
                                    @Option(names = "--marker", paramLabel = "MARKER", description = MARKER) String marker)
            throws GeneralSecurityException, IOException {
        GrantPage.checkLimit(limit);
        common.withStore(keys -> common.print(GrantPage.of(keys.listRetirableGrants(retiring), limit, marker)));
    }

    @Command(mixinStandardHelpOptions = true, name = "retire-grant", description = "Delete a grant, as its retiring "
            + "principal, as its grantee when it allows RetireGrant, or as whom the key policy allows. Name it by "
            + "--grant-token alone, or by --key-id and --grant-id.",
            footer = {"", "Examples:", "  kms retire-grant --grant-token \"$TOKEN\"",
                    "  kms retire-grant --key-id alias/orders --grant-id \"$GRANT_ID\""})
    static void retireGrant(@Mixin Common common,
                            @Option(names = "--key-id", paramLabel = "KEY", description = KEY_ID) String keyId,
                            @Option(names = "--grant-id", paramLabel = "ID", description = "The grant's id.") String grantId,
                            @Option(names = "--grant-token", paramLabel = "TOKEN",
                                    description = "The GrantToken create-grant printed (it names the key too), or a "
                                            + "grant id with --key-id.") String grantToken)
            throws GeneralSecurityException, IOException {
        GrantRef ref = resolve(keyId, grantId, grantToken);
        common.withStore(keys -> keys.retireGrant(ref.keyId(), ref.grantId()));
    }

    @Command(mixinStandardHelpOptions = true, name = "revoke-grant", description = "Delete a grant, as whom the key "
            + "policy allows to revoke grants. With --rotate-key, then rotate the key: material the grantee could read "
            + "stays readable by it in any copy of the store it kept, new versions are sealed without it.",
            footer = {"", "Example:", "  kms revoke-grant --key-id alias/orders --grant-id \"$GRANT_ID\" --rotate-key"})
    static void revokeGrant(@Mixin Common common,
                            @Option(names = "--key-id", paramLabel = "KEY", required = true, description = KEY_ID) String keyId,
                            @Option(names = "--grant-id", paramLabel = "ID", required = true, description = "The grant's id.") String grantId,
                            @Option(names = "--rotate-key", description = "Rotate the key once the grant is revoked "
                                    + "(kms-jca's rotate-on-revoke; not an AWS CLI option).") boolean rotate)
            throws GeneralSecurityException, IOException {
        common.withStore(keys -> {
            keys.revokeGrant(Inputs.keyRef(keyId), grantId);
            if (rotate) {
                common.print(Shapes.result().with("KeyId", keys.describeKey(Inputs.keyRef(keyId)).keyId().toString())
                        .with("KeyVersion", keys.rotateKeyOnDemand(Inputs.keyRef(keyId))));
            }
        });
    }

    /** The key and grant that retire-grant's options name, or a usage error saying what is missing. */
    static GrantRef resolve(String keyId, String grantId, String grantToken) {
        if (grantId != null && grantToken != null) {
            throw new CliException(ExitCode.USAGE, "give --grant-id or --grant-token, not both");
        }
        if (grantId == null && grantToken == null) {
            throw new CliException(ExitCode.USAGE, "name the grant: --grant-token TOKEN, or --key-id KEY and --grant-id ID");
        }
        GrantRef ref = grantId != null ? new GrantRef(null, grantId) : GrantRef.parse(grantToken);
        if (keyId != null) { // given both, --key-id decides; a grant id is unique, so a wrong key finds no grant
            return new GrantRef(Inputs.keyRef(keyId), ref.grantId());
        }
        if (ref.keyId() == null) {
            throw new CliException(ExitCode.USAGE, "--key-id is required with a grant id");
        }
        return ref;
    }
}
