package io.kmsjca.internal.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.kmsjca.internal.policy.PolicyTestSupport.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The evaluation table: one policy, one request, the outcome and the deciding statement.
 * Statements are single-quoted JSON; "alice" and "bob" are principals of the store's account.
 */
class PolicyEvaluationTest {

    private static final String ALLOW_ALICE_DECRYPT =
            "{'Sid':'A','Effect':'Allow','Principal':{'AWS':'alice'},'Action':'kms:Decrypt','Resource':'*'}";
    private static final String DENY_ALICE_DECRYPT =
            "{'Sid':'D','Effect':'Deny','Principal':{'AWS':'alice'},'Action':'kms:Decrypt','Resource':'*'}";

    /** One Allow statement for alice on every action, with this Condition block. */
    private static String aliceIf(String condition) {
        return policy("{'Sid':'C','Effect':'Allow','Principal':{'AWS':'alice'},'Action':'kms:*','Resource':'*',"
                + "'Condition':" + condition + "}");
    }

    /** One Allow statement for alice with this Action element. */
    private static String aliceMay(String actionElement) {
        return policy("{'Sid':'A','Effect':'Allow','Principal':{'AWS':'alice'}," + actionElement + ",'Resource':'*'}");
    }

    private static Arguments row(String what, String policy, Req request, String expected) {
        return Arguments.of(what, policy, request, expected);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // --- precedence ---
                row("an allow naming the principal allows", policy(ALLOW_ALICE_DECRYPT), req("alice", "kms:Decrypt"), "ALLOW A"),
                row("deny wins over an earlier allow", policy(ALLOW_ALICE_DECRYPT, DENY_ALICE_DECRYPT), req("alice", "kms:Decrypt"), "EXPLICIT_DENY D"),
                row("deny wins over a later allow", policy(DENY_ALICE_DECRYPT, ALLOW_ALICE_DECRYPT), req("alice", "kms:Decrypt"), "EXPLICIT_DENY D"),
                row("another principal: no match", policy(ALLOW_ALICE_DECRYPT), req("bob", "kms:Decrypt"), "NO_MATCH"),
                row("another action: no match", policy(ALLOW_ALICE_DECRYPT), req("alice", "kms:Encrypt"), "NO_MATCH"),
                row("a deny alone says deny, not no match", policy(DENY_ALICE_DECRYPT), req("alice", "kms:Decrypt"), "EXPLICIT_DENY D"),
                row("a deny for bob does not touch alice", policy(ALLOW_ALICE_DECRYPT,
                        "{'Sid':'DB','Effect':'Deny','Principal':{'AWS':'bob'},'Action':'kms:*','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "ALLOW A"),
                row("the first matching allow is reported", policy(
                        "{'Sid':'first','Effect':'Allow','Principal':'*','Action':'kms:Decrypt','Resource':'*'}",
                        "{'Sid':'second','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "ALLOW first"),
                row("#N names a statement without Sid", policy(
                        "{'Sid':'E','Effect':'Allow','Principal':'alice','Action':'kms:Encrypt','Resource':'*'}",
                        "{'Effect':'Allow','Principal':'alice','Action':'kms:Decrypt','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "ALLOW #1"),
                row("an empty Sid counts as none", policy(
                        "{'Sid':'','Effect':'Deny','Principal':'alice','Action':'kms:Decrypt','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "EXPLICIT_DENY #0"),

                // --- actions: wildcards, NotAction, case ---
                row("GenerateDataKey* matches GenerateDataKeyWithoutPlaintext", aliceMay("'Action':'kms:GenerateDataKey*'"), req("alice", "kms:GenerateDataKeyWithoutPlaintext"), "ALLOW A"),
                row("GenerateDataKey* matches GenerateDataKeyPair", aliceMay("'Action':'kms:GenerateDataKey*'"), req("alice", "kms:GenerateDataKeyPair"), "ALLOW A"),
                row("GenerateDataKey* matches GenerateDataKey itself", aliceMay("'Action':'kms:GenerateDataKey*'"), req("alice", "kms:GenerateDataKey"), "ALLOW A"),
                row("GenerateDataKey* does not match Decrypt", aliceMay("'Action':'kms:GenerateDataKey*'"), req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("ReEncrypt* matches ReEncryptFrom", aliceMay("'Action':'kms:ReEncrypt*'"), req("alice", "kms:ReEncryptFrom"), "ALLOW A"),
                row("ReEncrypt* matches ReEncryptTo", aliceMay("'Action':'kms:ReEncrypt*'"), req("alice", "kms:ReEncryptTo"), "ALLOW A"),
                row("ReEncrypt* does not match Encrypt", aliceMay("'Action':'kms:ReEncrypt*'"), req("alice", "kms:Encrypt"), "NO_MATCH"),
                row("kms:* matches ScheduleKeyDeletion", aliceMay("'Action':'kms:*'"), req("alice", "kms:ScheduleKeyDeletion"), "ALLOW A"),
                row("* matches every action", aliceMay("'Action':'*'"), req("alice", "kms:PutKeyPolicy"), "ALLOW A"),
                row("Describe?ey matches DescribeKey", aliceMay("'Action':'kms:Describe?ey'"), req("alice", "kms:DescribeKey"), "ALLOW A"),
                row("Describe?ey does not match DescribeCustomKeyStores", aliceMay("'Action':'kms:Describe?ey'"), req("alice", "kms:DescribeCustomKeyStores"), "NO_MATCH"),
                row("an action list matches each of its actions", aliceMay("'Action':['kms:Encrypt','kms:Decrypt']"), req("alice", "kms:Decrypt"), "ALLOW A"),
                row("actions in the policy match case-insensitively", aliceMay("'Action':'KMS:decrypt'"), req("alice", "kms:Decrypt"), "ALLOW A"),
                row("actions in the request match case-insensitively", aliceMay("'Action':'kms:Decrypt'"), req("alice", "kms:DECRYPT"), "ALLOW A"),
                row("wildcard patterns match case-insensitively", aliceMay("'Action':'kms:generatedatakey*'"), req("alice", "kms:GenerateDataKeyPair"), "ALLOW A"),
                row("NotAction allows what it does not list", aliceMay("'NotAction':'kms:Decrypt'"), req("alice", "kms:Encrypt"), "ALLOW A"),
                row("NotAction does not allow what it lists", aliceMay("'NotAction':'kms:Decrypt'"), req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("NotAction with a wildcard", aliceMay("'NotAction':['kms:Create*','kms:Delete*']"), req("alice", "kms:CreateAlias"), "NO_MATCH"),
                row("a Deny NotAction denies the unlisted", policy(
                        "{'Sid':'all','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'*'}",
                        "{'Sid':'onlyUse','Effect':'Deny','Principal':'alice','NotAction':['kms:Encrypt','kms:Decrypt'],'Resource':'*'}"),
                        req("alice", "kms:ScheduleKeyDeletion"), "EXPLICIT_DENY onlyUse"),
                row("a Deny NotAction spares the listed", policy(
                        "{'Sid':'all','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'*'}",
                        "{'Sid':'onlyUse','Effect':'Deny','Principal':'alice','NotAction':['kms:Encrypt','kms:Decrypt'],'Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "ALLOW all"),
                row("an action outside the known list matches kms:*", aliceMay("'Action':'kms:*'"), req("alice", "kms:SomeFutureAction"), "ALLOW A"),
                row("an action outside the known list does not match a named one", aliceMay("'Action':'kms:Decrypt'"), req("alice", "kms:SomeFutureAction"), "NO_MATCH"),

                // --- principals and the account ---
                row("principal names are case-sensitive", policy(
                        "{'Sid':'A','Effect':'Allow','Principal':{'AWS':'Alice'},'Action':'kms:*','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("Principal * is everyone, directly", policy(
                        "{'Sid':'any','Effect':'Allow','Principal':'*','Action':'kms:Decrypt','Resource':'*'}"),
                        req("bob", "kms:Decrypt"), "ALLOW any"),
                row("AWS * is everyone, directly", policy(
                        "{'Sid':'any','Effect':'Allow','Principal':{'AWS':'*'},'Action':'kms:Decrypt','Resource':'*'}"),
                        req("bob", "kms:Decrypt"), "ALLOW any"),
                row("a list of AWS names", policy(
                        "{'Sid':'L','Effect':'Allow','Principal':{'AWS':['alice','bob']},'Action':'kms:Decrypt','Resource':'*'}"),
                        req("bob", "kms:Decrypt"), "ALLOW L"),
                row("a plain name (extension)", policy(
                        "{'Sid':'P','Effect':'Allow','Principal':'bob','Action':'kms:Decrypt','Resource':'*'}"),
                        req("bob", "kms:Decrypt"), "ALLOW P"),
                row("a plain list (extension)", policy(
                        "{'Sid':'P','Effect':'Allow','Principal':['carol','bob'],'Action':'kms:Decrypt','Resource':'*'}"),
                        req("bob", "kms:Decrypt"), "ALLOW P"),
                row("the default key policy delegates to the store", PolicyDocument.defaultKeyPolicy(ACCOUNT),
                        req("alice", "kms:Decrypt"), "ALLOW_IF_STORE_ALLOWS Enable IAM User Permissions"),
                row("the bare account id delegates too", policy(
                        "{'Sid':'acct','Effect':'Allow','Principal':{'AWS':'" + ACCOUNT + "'},'Action':'kms:*','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "ALLOW_IF_STORE_ALLOWS acct"),
                row("another account's root does not", policy(
                        "{'Sid':'other','Effect':'Allow','Principal':{'AWS':'arn:aws:iam::444455556666:root'},'Action':'kms:*','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("a direct allow wins over delegation, whatever the order", policy(
                        "{'Sid':'acct','Effect':'Allow','Principal':{'AWS':'" + ROOT + "'},'Action':'kms:*','Resource':'*'}",
                        "{'Sid':'alice','Effect':'Allow','Principal':{'AWS':'alice'},'Action':'kms:Decrypt','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "ALLOW alice"),
                row("one statement naming both: direct", policy(
                        "{'Sid':'both','Effect':'Allow','Principal':{'AWS':['" + ROOT + "','alice']},'Action':'kms:*','Resource':'*'}"),
                        req("alice", "kms:Decrypt"), "ALLOW both"),
                row("one statement naming both, another principal: delegated", policy(
                        "{'Sid':'both','Effect':'Allow','Principal':{'AWS':['" + ROOT + "','alice']},'Action':'kms:*','Resource':'*'}"),
                        req("bob", "kms:Decrypt"), "ALLOW_IF_STORE_ALLOWS both"),
                row("a deny naming the account applies to every principal", policy(
                        "{'Sid':'alice','Effect':'Allow','Principal':{'AWS':'alice'},'Action':'kms:*','Resource':'*'}",
                        "{'Sid':'noDelete','Effect':'Deny','Principal':{'AWS':'" + ROOT + "'},'Action':'kms:ScheduleKeyDeletion','Resource':'*'}"),
                        req("alice", "kms:ScheduleKeyDeletion"), "EXPLICIT_DENY noDelete"),
                row("the account's root itself is allowed directly", PolicyDocument.defaultKeyPolicy(ACCOUNT),
                        req(ROOT, "kms:Decrypt"), "ALLOW Enable IAM User Permissions"),

                // --- resources ---
                row("Resource names another key: no match", policy(
                        "{'Sid':'R','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'arn:aws:kms:us-east-1:" + ACCOUNT + ":key/other'}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("Resource names this key", policy(
                        "{'Sid':'R','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'" + KEY_ARN + "'}"),
                        req("alice", "kms:Decrypt"), "ALLOW R"),
                row("Resource with wildcards", policy(
                        "{'Sid':'R','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'arn:aws:kms:*:" + ACCOUNT + ":key/*'}"),
                        req("alice", "kms:Decrypt"), "ALLOW R"),
                row("a key ARN pattern does not match a store operation", policy(
                        "{'Sid':'R','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'arn:aws:kms:*:" + ACCOUNT + ":key/*'}"),
                        req("alice", "kms:CreateKey").on("*"), "NO_MATCH"),
                row("Resource * matches a store operation", policy(
                        "{'Sid':'R','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'*'}"),
                        req("alice", "kms:CreateKey").on("*"), "ALLOW R"),
                row("NotResource excludes the key it names", policy(
                        "{'Sid':'R','Effect':'Allow','Principal':'alice','Action':'kms:*','NotResource':'" + KEY_ARN + "'}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),

                // --- encryption context conditions ---
                row("StringEquals on a context value", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "ALLOW C"),
                row("StringEquals values are case-sensitive", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "it"), "NO_MATCH"),
                row("StringEqualsIgnoreCase is not", aliceIf("{'StringEqualsIgnoreCase':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "it"), "ALLOW C"),
                row("the context key part is case-insensitive (AWS)", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("DEPARTMENT", "IT"), "ALLOW C"),
                row("pairs differing only by case: each is a value (positive: any)", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("DEPARTMENT", "HR").ec("Department", "IT"), "ALLOW C"),
                row("pairs differing only by case: each is a value (negated: none)", aliceIf("{'StringNotEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("DEPARTMENT", "HR").ec("Department", "IT"), "NO_MATCH"),
                row("condition key names are case-insensitive", aliceIf("{'StringEquals':{'KMS:ENCRYPTIONCONTEXT:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "ALLOW C"),
                row("a missing context key makes StringEquals false", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("Project", "IT"), "NO_MATCH"),
                row("no context at all makes StringEquals false", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("values of one key are ORed", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':['IT','HR']}}"),
                        req("alice", "kms:Decrypt").ec("Department", "HR"), "ALLOW C"),
                row("keys of one operator are ANDed", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':'IT','kms:EncryptionContext:Project':'X'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "NO_MATCH"),
                row("operators are ANDed", aliceIf("{'StringEquals':{'kms:EncryptionContext:Department':'IT'},'StringLike':{'kms:CallerPrincipal':'bob*'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "NO_MATCH"),
                row("StringNotEquals on a missing key is true (AWS)", aliceIf("{'StringNotEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("StringNotEquals with another value", aliceIf("{'StringNotEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "HR"), "ALLOW C"),
                row("StringNotEquals with the value", aliceIf("{'StringNotEquals':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "NO_MATCH"),
                row("StringNotEquals values are NORed", aliceIf("{'StringNotEquals':{'kms:EncryptionContext:Department':['IT','HR']}}"),
                        req("alice", "kms:Decrypt").ec("Department", "HR"), "NO_MATCH"),
                row("StringNotEqualsIgnoreCase", aliceIf("{'StringNotEqualsIgnoreCase':{'kms:EncryptionContext:Department':'it'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "NO_MATCH"),
                row("StringLike with *", aliceIf("{'StringLike':{'kms:EncryptionContext:Project':'Proj-*'}}"),
                        req("alice", "kms:Decrypt").ec("Project", "Proj-7"), "ALLOW C"),
                row("StringLike is case-sensitive", aliceIf("{'StringLike':{'kms:EncryptionContext:Project':'Proj-*'}}"),
                        req("alice", "kms:Decrypt").ec("Project", "proj-7"), "NO_MATCH"),
                row("StringLike with ?", aliceIf("{'StringLike':{'kms:EncryptionContext:Project':'P?'}}"),
                        req("alice", "kms:Decrypt").ec("Project", "Px"), "ALLOW C"),
                row("StringNotLike", aliceIf("{'StringNotLike':{'kms:EncryptionContext:Project':'Proj-*'}}"),
                        req("alice", "kms:Decrypt").ec("Project", "Proj-7"), "NO_MATCH"),
                row("IfExists: absent key passes", aliceIf("{'StringEqualsIfExists':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("IfExists: present key is checked", aliceIf("{'StringEqualsIfExists':{'kms:EncryptionContext:Department':'IT'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "HR"), "NO_MATCH"),

                // --- multi-valued keys and set operators ---
                row("ForAllValues: every key listed", aliceIf("{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department','Project']}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "ALLOW C"),
                row("ForAllValues: one key not listed", aliceIf("{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department','Project']}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT").ec("Other", "x"), "NO_MATCH"),
                row("ForAllValues over an empty set is TRUE (AWS's pitfall)", aliceIf("{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department','Project']}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("ForAllValues with Null false closes the pitfall", aliceIf("{'ForAllValues:StringEquals':{'kms:EncryptionContextKeys':['Department']},'Null':{'kms:EncryptionContextKeys':'false'}}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("ForAnyValue over an empty set is false", aliceIf("{'ForAnyValue:StringEquals':{'kms:EncryptionContextKeys':'Department'}}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("ForAnyValue: one key listed", aliceIf("{'ForAnyValue:StringEquals':{'kms:EncryptionContextKeys':'Department'}}"),
                        req("alice", "kms:Decrypt").ec("Other", "x").ec("Department", "IT"), "ALLOW C"),
                row("EncryptionContextKeys values are case-sensitive", aliceIf("{'ForAnyValue:StringEquals':{'kms:EncryptionContextKeys':'department'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "NO_MATCH"),
                row("ForAnyValue:StringNotEquals: some key not listed", aliceIf("{'ForAnyValue:StringNotEquals':{'kms:EncryptionContextKeys':'Department'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT").ec("Other", "x"), "ALLOW C"),
                row("ForAnyValue:StringNotEquals: only the listed key", aliceIf("{'ForAnyValue:StringNotEquals':{'kms:EncryptionContextKeys':'Department'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "NO_MATCH"),
                row("ForAllValues:StringNotEquals: a forbidden key present", aliceIf("{'ForAllValues:StringNotEquals':{'kms:EncryptionContextKeys':'Secret'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT").ec("Secret", "x"), "NO_MATCH"),
                row("ForAnyValue:StringEqualsIfExists: absent passes", aliceIf("{'ForAnyValue:StringEqualsIfExists':{'kms:EncryptionContextKeys':'Department'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("ForAllValues on grant operations: subset", aliceIf("{'ForAllValues:StringEquals':{'kms:GrantOperations':['Decrypt','Encrypt']}}"),
                        req("alice", "kms:CreateGrant").other("kms:GrantOperations", "Decrypt"), "ALLOW C"),
                row("ForAllValues on grant operations: not a subset", aliceIf("{'ForAllValues:StringEquals':{'kms:GrantOperations':['Decrypt','Encrypt']}}"),
                        req("alice", "kms:CreateGrant").other("kms:GrantOperations", "Decrypt", "CreateGrant"), "NO_MATCH"),

                // --- Null, Bool, dates, principal keys ---
                row("Null true: the key is absent", aliceIf("{'Null':{'kms:EncryptionContext:Department':'true'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("Null true: the key is present", aliceIf("{'Null':{'kms:EncryptionContext:Department':'true'}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "NO_MATCH"),
                row("Null false (JSON boolean): the key is present", aliceIf("{'Null':{'kms:EncryptionContextKeys':false}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "ALLOW C"),
                row("Bool true matches true", aliceIf("{'Bool':{'kms:BypassPolicyLockoutSafetyCheck':'true'}}"),
                        req("alice", "kms:PutKeyPolicy").other("kms:BypassPolicyLockoutSafetyCheck", "true"), "ALLOW C"),
                row("Bool true does not match false", aliceIf("{'Bool':{'kms:BypassPolicyLockoutSafetyCheck':true}}"),
                        req("alice", "kms:PutKeyPolicy").other("kms:BypassPolicyLockoutSafetyCheck", "false"), "NO_MATCH"),
                row("Bool on an absent key is false", aliceIf("{'Bool':{'kms:BypassPolicyLockoutSafetyCheck':'false'}}"),
                        req("alice", "kms:PutKeyPolicy"), "NO_MATCH"),
                row("BoolIfExists on an absent key is true", aliceIf("{'BoolIfExists':{'kms:BypassPolicyLockoutSafetyCheck':'false'}}"),
                        req("alice", "kms:PutKeyPolicy"), "ALLOW C"),
                row("DateLessThan before the date", aliceIf("{'DateLessThan':{'aws:CurrentTime':'2026-12-31T00:00:00Z'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("DateLessThan after the date", aliceIf("{'DateLessThan':{'aws:CurrentTime':'2026-12-31T00:00:00Z'}}"),
                        req("alice", "kms:Decrypt").at("2027-01-01T00:00:00Z"), "NO_MATCH"),
                row("DateLessThan is strict", aliceIf("{'DateLessThan':{'aws:CurrentTime':'2026-06-15T12:00:00Z'}}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("DateLessThanEquals includes the instant", aliceIf("{'DateLessThanEquals':{'aws:CurrentTime':'2026-06-15T12:00:00Z'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("DateGreaterThan a date-only value (UTC midnight)", aliceIf("{'DateGreaterThan':{'aws:CurrentTime':'2026-06-15'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("DateGreaterThanEquals epoch seconds (string)", aliceIf("{'DateGreaterThanEquals':{'aws:CurrentTime':'1781524800'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("DateGreaterThan epoch seconds (number), not yet", aliceIf("{'DateGreaterThan':{'aws:CurrentTime':1781524800}}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("DateEquals with an offset", aliceIf("{'DateEquals':{'aws:CurrentTime':'2026-06-15T14:00:00+02:00'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("DateNotEquals", aliceIf("{'DateNotEquals':{'aws:CurrentTime':'2026-06-15T12:00:00Z'}}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("kms:CallerPrincipal with Principal *", policy(
                        "{'Sid':'who','Effect':'Allow','Principal':'*','Action':'kms:Decrypt','Resource':'*','Condition':{'StringEquals':{'kms:CallerPrincipal':'bob'}}}"),
                        req("bob", "kms:Decrypt"), "ALLOW who"),
                row("kms:CallerPrincipal excludes others", policy(
                        "{'Sid':'who','Effect':'Allow','Principal':'*','Action':'kms:Decrypt','Resource':'*','Condition':{'StringEquals':{'kms:CallerPrincipal':'bob'}}}"),
                        req("alice", "kms:Decrypt"), "NO_MATCH"),
                row("kms:CallerAccount is the store's account", aliceIf("{'StringEquals':{'kms:CallerAccount':'" + ACCOUNT + "'}}"),
                        req("alice", "kms:Decrypt"), "ALLOW C"),
                row("a conditional deny: the context differs", policy(
                        "{'Sid':'all','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'*'}",
                        "{'Sid':'onlyIT','Effect':'Deny','Principal':'*','Action':'kms:Decrypt','Resource':'*','Condition':{'StringNotEquals':{'kms:EncryptionContext:Department':'IT'}}}"),
                        req("alice", "kms:Decrypt").ec("Department", "HR"), "EXPLICIT_DENY onlyIT"),
                row("a conditional deny: the context matches", policy(
                        "{'Sid':'all','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'*'}",
                        "{'Sid':'onlyIT','Effect':'Deny','Principal':'*','Action':'kms:Decrypt','Resource':'*','Condition':{'StringNotEquals':{'kms:EncryptionContext:Department':'IT'}}}"),
                        req("alice", "kms:Decrypt").ec("Department", "IT"), "ALLOW all"),
                row("a conditional deny: no context at all is denied", policy(
                        "{'Sid':'all','Effect':'Allow','Principal':'alice','Action':'kms:*','Resource':'*'}",
                        "{'Sid':'onlyIT','Effect':'Deny','Principal':'*','Action':'kms:Decrypt','Resource':'*','Condition':{'StringNotEquals':{'kms:EncryptionContext:Department':'IT'}}}"),
                        req("alice", "kms:Decrypt"), "EXPLICIT_DENY onlyIT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void evaluates(String what, String policy, Req request, String expected) {
        assertEquals(expected, show(parse(policy).evaluate(request.build())), () -> what + ": " + request);
    }
}
