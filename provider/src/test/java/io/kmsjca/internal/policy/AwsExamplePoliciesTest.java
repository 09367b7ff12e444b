package io.kmsjca.internal.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.kmsjca.internal.policy.PolicyTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Policies in the shape of the AWS KMS developer guide's examples: the key policy the console
 * writes (key administrators, key users, attachment of persistent resources) and the
 * encryption-context conditions.
 */
class AwsExamplePoliciesTest {

    private static final String ADMIN = "arn:aws:iam::" + ACCOUNT + ":role/KMSKeyAdmin";
    private static final String USER = "arn:aws:iam::" + ACCOUNT + ":role/KMSKeyUser";
    private static final String APP = "arn:aws:iam::" + ACCOUNT + ":role/RoleForExampleApp";

    private static final String ENABLE_IAM =
            "{'Sid':'Enable IAM User Permissions','Effect':'Allow','Principal':{'AWS':'" + ROOT + "'},"
                    + "'Action':'kms:*','Resource':'*'}";
    private static final String KEY_ADMINISTRATORS =
            "{'Sid':'Allow access for Key Administrators','Effect':'Allow','Principal':{'AWS':'" + ADMIN + "'},"
                    + "'Action':['kms:Create*','kms:Describe*','kms:Enable*','kms:List*','kms:Put*','kms:Update*',"
                    + "'kms:Revoke*','kms:Disable*','kms:Get*','kms:Delete*','kms:TagResource','kms:UntagResource',"
                    + "'kms:ScheduleKeyDeletion','kms:CancelKeyDeletion','kms:RotateKeyOnDemand'],'Resource':'*'}";
    private static final String KEY_USERS =
            "{'Sid':'Allow use of the key','Effect':'Allow','Principal':{'AWS':'" + USER + "'},"
                    + "'Action':['kms:Encrypt','kms:Decrypt','kms:ReEncrypt*','kms:GenerateDataKey*','kms:DescribeKey'],"
                    + "'Resource':'*'}";
    private static final String PERSISTENT_RESOURCES =
            "{'Sid':'Allow attachment of persistent resources','Effect':'Allow','Principal':{'AWS':'" + USER + "'},"
                    + "'Action':['kms:CreateGrant','kms:ListGrants','kms:RevokeGrant'],'Resource':'*',"
                    + "'Condition':{'Bool':{'kms:GrantIsForAWSResource':'true'}}}";

    /** Administrators and users separated: no statement for the account, so nothing is delegated. */
    private static final PolicyDocument SEPARATED = parse(policy(KEY_ADMINISTRATORS, KEY_USERS, PERSISTENT_RESOURCES));

    @ParameterizedTest(name = "key administrator: {0} -> {1}")
    @CsvSource({
            "kms:DescribeKey,          ALLOW Allow access for Key Administrators",
            "kms:PutKeyPolicy,         ALLOW Allow access for Key Administrators",
            "kms:GetKeyPolicy,         ALLOW Allow access for Key Administrators",
            "kms:ScheduleKeyDeletion,  ALLOW Allow access for Key Administrators",
            "kms:DisableKey,           ALLOW Allow access for Key Administrators",
            "kms:RevokeGrant,          ALLOW Allow access for Key Administrators",
            "kms:RotateKeyOnDemand,    ALLOW Allow access for Key Administrators",
            "kms:Encrypt,              NO_MATCH",
            "kms:Decrypt,              NO_MATCH",
            "kms:GenerateDataKey,      NO_MATCH",
            "kms:ReEncryptFrom,        NO_MATCH",
            "kms:Sign,                 NO_MATCH",
            "kms:GenerateMac,          NO_MATCH",
    })
    void keyAdministrators_manageTheKey_butCannotUseIt(String action, String expected) {
        assertEquals(expected, show(SEPARATED.evaluate(req(ADMIN, action).build())));
    }

    @ParameterizedTest(name = "key user: {0} -> {1}")
    @CsvSource({
            "kms:Encrypt,                          ALLOW Allow use of the key",
            "kms:Decrypt,                          ALLOW Allow use of the key",
            "kms:ReEncryptFrom,                    ALLOW Allow use of the key",
            "kms:ReEncryptTo,                      ALLOW Allow use of the key",
            "kms:GenerateDataKeyWithoutPlaintext,  ALLOW Allow use of the key",
            "kms:DescribeKey,                      ALLOW Allow use of the key",
            "kms:PutKeyPolicy,                     NO_MATCH",
            "kms:ScheduleKeyDeletion,              NO_MATCH",
            "kms:DisableKey,                       NO_MATCH",
            "kms:CreateGrant,                      NO_MATCH",
    })
    void keyUsers_useTheKey_butCannotManageIt(String action, String expected) {
        assertEquals(expected, show(SEPARATED.evaluate(req(USER, action).build())));
    }

    @Test
    void persistentResources_allowGrantsOnlyForAwsResources() {
        // locally no grant is for an AWS resource: the key service passes "false", and the
        // console's statement allows nothing, as in AWS for a caller that is not an AWS service
        assertEquals("NO_MATCH", show(SEPARATED.evaluate(req(USER, "kms:CreateGrant")
                .other("kms:GrantIsForAWSResource", "false").build())));
        assertEquals("ALLOW Allow attachment of persistent resources", show(SEPARATED.evaluate(req(USER, "kms:CreateGrant")
                .other("kms:GrantIsForAWSResource", "true").build())));
    }

    @Test
    void theConsoleDefault_withTheAccountStatement_delegatesWhatItDoesNotAllow() {
        PolicyDocument console = parse(policy(ENABLE_IAM, KEY_ADMINISTRATORS, KEY_USERS, PERSISTENT_RESOURCES));
        // the administrator's own statement does not allow Decrypt: the store policy decides
        assertEquals("ALLOW_IF_STORE_ALLOWS Enable IAM User Permissions",
                show(console.evaluate(req(ADMIN, "kms:Decrypt").build())));
        assertEquals("ALLOW Allow use of the key", show(console.evaluate(req(USER, "kms:Decrypt").build())));
        assertEquals("ALLOW Allow access for Key Administrators",
                show(console.evaluate(req(ADMIN, "kms:ScheduleKeyDeletion").build())));
    }

    /** The guide's "allow use only with a given encryption context" (kms:EncryptionContext:). */
    private static final PolicyDocument APP_CONTEXT = parse(policy(
            "{'Sid':'Allow use only for ExampleApp','Effect':'Allow','Principal':{'AWS':'" + APP + "'},"
                    + "'Action':['kms:Encrypt','kms:Decrypt','kms:GenerateDataKey*'],'Resource':'*',"
                    + "'Condition':{'StringEquals':{'kms:EncryptionContext:AppName':'ExampleApp'}}}"));

    @ParameterizedTest(name = "AppName={1}: {2}")
    @CsvSource({
            "kms:Decrypt,         ExampleApp,  ALLOW Allow use only for ExampleApp",
            "kms:GenerateDataKey, ExampleApp,  ALLOW Allow use only for ExampleApp",
            "kms:Decrypt,         OtherApp,    NO_MATCH",
            "kms:Decrypt,         exampleapp,  NO_MATCH",
            "kms:Decrypt,         ,            NO_MATCH",
    })
    void useIsAllowed_onlyWithTheGivenEncryptionContext(String action, String appName, String expected) {
        Req r = req(APP, action);
        if (appName != null) {
            r.ec("AppName", appName);
        }
        assertEquals(expected, show(APP_CONTEXT.evaluate(r.build())));
    }

    /**
     * The guide's kms:EncryptionContextKeys example: only these context keys, and (as the guide
     * recommends against the ForAllValues pitfall) at least one of them.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "only AppName                | AppName=a            | ALLOW Only AppName and FilePath  | ALLOW Only AppName and FilePath",
            "both listed keys            | AppName=a,FilePath=b | ALLOW Only AppName and FilePath  | ALLOW Only AppName and FilePath",
            "an unlisted key             | AppName=a,Other=c    | NO_MATCH                         | NO_MATCH",
            "no context: pitfall or not  |                      | ALLOW Only AppName and FilePath  | NO_MATCH",
    })
    void encryptionContextKeys_forAllValues_withAndWithoutTheNullGuard(String what, String context,
                                                                        String withoutGuard, String withGuard) {
        String keys = "'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['AppName','FilePath']}";
        String statement = "{'Sid':'Only AppName and FilePath','Effect':'Allow','Principal':{'AWS':'" + APP + "'},"
                + "'Action':'kms:Decrypt','Resource':'*','Condition':{%s}}";
        PolicyDocument pitfall = parse(policy(String.format(statement, keys)));
        PolicyDocument guarded = parse(policy(String.format(statement,
                keys + ",'Null':{'kms:EncryptionContextKeys':'false'}")));
        Req r = req(APP, "kms:Decrypt");
        if (context != null) {
            for (String pair : context.split(",")) {
                String[] kv = pair.split("=");
                r.ec(kv[0], kv[1]);
            }
        }
        assertEquals(withoutGuard, show(pitfall.evaluate(r.build())), what);
        assertEquals(withGuard, show(guarded.evaluate(r.build())), what);
    }
}
