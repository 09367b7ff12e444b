package io.kmsjca.internal.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static io.kmsjca.internal.policy.PolicyTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every element, operator, condition key or action that is not supported is refused when the
 * policy is parsed, with a message naming it: never silently ignored.
 */
class PolicyRefusalTest {

    private static final String OK_STATEMENT =
            "{'Sid':'S','Effect':'Allow','Principal':{'AWS':'alice'},'Action':'kms:Decrypt','Resource':'*'}";

    /** OK_STATEMENT with {@code extra} members added (single-quoted, leading comma included). */
    private static String with(String extra) {
        return policy("{'Sid':'S','Effect':'Allow','Principal':{'AWS':'alice'},'Action':'kms:Decrypt','Resource':'*'"
                + extra + "}");
    }

    private static String condition(String block) {
        return with(",'Condition':" + block);
    }

    private static Arguments refused(String policy, String named) {
        return Arguments.of(named, policy);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                // document
                refused(j("{'Version':'2012-10-17','Statement':[" + OK_STATEMENT + "],'Foo':1}"), "Foo"),
                refused(j("{'Version':'2020-01-01','Statement':[" + OK_STATEMENT + "]}"), "2020-01-01"),
                refused(j("{'Version':'2012-10-17'}"), "Statement"),
                refused(j("{'Version':'2012-10-17','Statement':[]}"), "Statement"),
                refused(j("{'Version':'2012-10-17','Id':7,'Statement':[" + OK_STATEMENT + "]}"), "Id"),
                refused(j("[" + OK_STATEMENT + "]"), "object"),
                refused(policy(OK_STATEMENT, OK_STATEMENT), "\"S\""),
                refused(policy("{'Sid':'#1','Effect':'Allow','Principal':'alice','Action':'kms:Decrypt','Resource':'*'}"), "#1"),
                // statement elements
                refused(policy("{'Effect':'Allow','Effects':'Allow','Principal':'alice','Action':'kms:Decrypt','Resource':'*'}"), "Effects"),
                refused(policy("{'Effect':'allow','Principal':'alice','Action':'kms:Decrypt','Resource':'*'}"), "allow"),
                refused(policy("{'Principal':'alice','Action':'kms:Decrypt','Resource':'*'}"), "Effect"),
                refused(policy("{'Effect':'Allow','NotPrincipal':{'AWS':'alice'},'Action':'kms:Decrypt','Resource':'*'}"), "NotPrincipal"),
                refused(policy("{'Effect':'Allow','Action':'kms:Decrypt','Resource':'*'}"), "Principal"),
                refused(policy("{'Effect':'Allow','Principal':{'Service':'ec2.amazonaws.com'},'Action':'kms:Decrypt','Resource':'*'}"), "Service"),
                refused(policy("{'Effect':'Allow','Principal':{'Federated':'cognito-identity.amazonaws.com'},'Action':'kms:Decrypt','Resource':'*'}"), "Federated"),
                refused(policy("{'Effect':'Allow','Principal':{'CanonicalUser':'79a59df9'},'Action':'kms:Decrypt','Resource':'*'}"), "CanonicalUser"),
                refused(policy("{'Effect':'Allow','Principal':{'Bogus':'x'},'Action':'kms:Decrypt','Resource':'*'}"), "Bogus"),
                refused(policy("{'Effect':'Allow','Principal':{'AWS':''},'Action':'kms:Decrypt','Resource':'*'}"), "empty"),
                refused(policy("{'Effect':'Allow','Principal':{'AWS':[]},'Action':'kms:Decrypt','Resource':'*'}"), "empty"),
                refused(policy("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::111122223333:role/*'},'Action':'kms:Decrypt','Resource':'*'}"), "role/*"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Action':'kms:Decrpyt','Resource':'*'}"), "kms:Decrpyt"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Action':'s3:GetObject','Resource':'*'}"), "s3:GetObject"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Action':['kms:Decrypt','kms:Frobnicate*'],'Resource':'*'}"), "kms:Frobnicate*"),
                refused(policy("{'Effect':'Allow','Principal':'alice','NotAction':'kms:Decrypt ','Resource':'*'}"), "NotAction"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Action':'kms:Decrypt','NotAction':'kms:Encrypt','Resource':'*'}"), "NotAction"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Resource':'*'}"), "Action"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Action':[],'Resource':'*'}"), "Action"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Action':'kms:Decrypt'}"), "Resource"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Action':'kms:Decrypt','Resource':'key/1234'}"), "key/1234"),
                refused(policy("{'Effect':'Allow','Principal':'alice','Action':'kms:Decrypt','Resource':'arn:aws:kms:*:${aws:PrincipalAccount}:key/*'}"), "${"),
                // condition operators
                refused(condition("{'NumericEquals':{'kms:CallerPrincipal':'1'}}"), "NumericEquals"),
                refused(condition("{'NumericLessThanIfExists':{'kms:CallerPrincipal':'1'}}"), "NumericLessThanIfExists"),
                refused(condition("{'ArnLike':{'kms:CallerPrincipal':'arn:*'}}"), "ArnLike"),
                refused(condition("{'IpAddress':{'kms:CallerPrincipal':'10.0.0.0/8'}}"), "IpAddress"),
                refused(condition("{'NotIpAddress':{'kms:CallerPrincipal':'10.0.0.0/8'}}"), "NotIpAddress"),
                refused(condition("{'BinaryEquals':{'kms:CallerPrincipal':'AA=='}}"), "BinaryEquals"),
                refused(condition("{'StringEqualz':{'kms:CallerPrincipal':'bob'}}"), "StringEqualz"),
                refused(condition("{'stringequals':{'kms:CallerPrincipal':'bob'}}"), "stringequals"),
                refused(condition("{'ForEachValue:StringEquals':{'kms:CallerPrincipal':'bob'}}"), "ForEachValue:StringEquals"),
                refused(condition("{'ForAllValues:Null':{'kms:EncryptionContextKeys':'true'}}"), "ForAllValues:Null"),
                refused(condition("{'NullIfExists':{'kms:EncryptionContextKeys':'true'}}"), "NullIfExists"),
                refused(condition("{'IfExists':{'kms:CallerPrincipal':'bob'}}"), "IfExists"),
                refused(condition("{'StringEquals':{}}"), "StringEquals"),
                refused(condition("{'StringEquals':'bob'}"), "StringEquals"),
                // condition keys
                refused(condition("{'IpAddress':{'aws:SourceIp':'10.0.0.0/8'}}"), "IpAddress"),
                refused(condition("{'StringEquals':{'aws:SourceVpc':'vpc-1'}}"), "aws:SourceVpc"),
                refused(condition("{'StringEquals':{'kms:ViaService':'ec2.us-east-1.amazonaws.com'}}"), "kms:ViaService"),
                refused(condition("{'StringEquals':{'kms:Bogus':'x'}}"), "kms:Bogus"),
                refused(condition("{'StringEquals':{'aws:username':'bob'}}"), "aws:username"),
                refused(condition("{'StringEquals':{'kms:EncryptionContext:':'x'}}"), "kms:EncryptionContext:"),
                refused(condition("{'StringEquals':{'kms:EncryptionContextKeys':'Department'}}"), "kms:EncryptionContextKeys"),
                refused(condition("{'StringEquals':{'kms:GrantOperations':'Decrypt'}}"), "kms:GrantOperations"),
                // operator and key types
                refused(condition("{'Bool':{'kms:CallerPrincipal':'true'}}"), "Bool"),
                refused(condition("{'DateLessThan':{'kms:CallerPrincipal':'2026-01-01'}}"), "DateLessThan"),
                refused(condition("{'StringEquals':{'aws:CurrentTime':'2026-01-01'}}"), "aws:CurrentTime"),
                refused(condition("{'StringLike':{'kms:BypassPolicyLockoutSafetyCheck':'t*'}}"), "kms:BypassPolicyLockoutSafetyCheck"),
                // condition values
                refused(condition("{'DateLessThan':{'aws:CurrentTime':'yesterday'}}"), "yesterday"),
                refused(condition("{'DateLessThan':{'aws:CurrentTime':'2026-13-01'}}"), "2026-13-01"),
                refused(condition("{'Bool':{'kms:BypassPolicyLockoutSafetyCheck':'yes'}}"), "yes"),
                refused(condition("{'Null':{'kms:EncryptionContextKeys':'maybe'}}"), "maybe"),
                refused(condition("{'StringEquals':{'kms:CallerPrincipal':[]}}"), "kms:CallerPrincipal"),
                refused(condition("{'StringEquals':{'kms:CallerPrincipal':null}}"), "kms:CallerPrincipal"),
                refused(condition("{'StringEquals':{'kms:CallerPrincipal':{'a':'b'}}}"), "kms:CallerPrincipal"),
                refused(condition("{'StringLike':{'kms:CallerPrincipal':'${aws:username}'}}"), "${"),
                refused(condition("['StringEquals']"), "Condition"));
    }

    @ParameterizedTest(name = "refuses, naming {0}")
    @MethodSource("refusals")
    void refuses_naming(String named, String policy) {
        var e = assertThrows(MalformedPolicyException.class, () -> PolicyDocument.parse(policy));
        assertTrue(e.getMessage().contains(named), () -> "message should name " + named + ": " + e.getMessage());
    }

    @Test
    void refusals_sayWhichStatement() {
        var bySid = assertThrows(MalformedPolicyException.class, () -> PolicyDocument.parse(policy(OK_STATEMENT,
                "{'Sid':'Second','Effect':'Allow','Principal':'alice','Action':'kms:Decrpyt','Resource':'*'}")));
        assertTrue(bySid.getMessage().startsWith("statement \"Second\": "), bySid.getMessage());
        var byIndex = assertThrows(MalformedPolicyException.class, () -> PolicyDocument.parse(policy(OK_STATEMENT,
                "{'Effect':'Allow','Principal':'alice','Action':'kms:Decrypt','Resource':'*','Condition':{'NumericEquals':{'kms:CallerPrincipal':'1'}}}")));
        assertTrue(byIndex.getMessage().startsWith("statement #1: "), byIndex.getMessage());
    }

    @Test
    void invalidJson_andOversizedDocuments_areRefused() {
        assertThrows(MalformedPolicyException.class, () -> PolicyDocument.parse(policy(OK_STATEMENT) + "x"));
        assertThrows(MalformedPolicyException.class, () -> PolicyDocument.parse(null));
        String big = policy("{'Sid':'" + "x".repeat(PolicyDocument.MAX_CHARS) + "','Effect':'Allow','Principal':'alice','Action':'kms:Decrypt','Resource':'*'}");
        var e = assertThrows(MalformedPolicyException.class, () -> PolicyDocument.parse(big));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void whatIsAccepted_nearTheRefusals_isAccepted() throws Exception {
        // the contrasts of the refusals above: the same shapes, spelled as supported
        PolicyDocument.parse(j("{'Statement':" + OK_STATEMENT + "}")); // no Version, a single statement object
        PolicyDocument.parse(j("{'Version':'2008-10-17','Id':'x','Statement':[" + OK_STATEMENT + "]}"));
        PolicyDocument.parse(condition("{'ForAnyValue:StringEquals':{'kms:EncryptionContextKeys':'Department'}}"));
        PolicyDocument.parse(condition("{'ForAllValues:StringLike':{'kms:GrantOperations':['Decrypt','Generate*']}}"));
        PolicyDocument.parse(condition("{'Bool':{'kms:GrantIsForAWSResource':true}}"));
        PolicyDocument.parse(condition("{'StringEquals':{'kms:KeySpec':'SYMMETRIC_DEFAULT','kms:KeyUsage':'ENCRYPT_DECRYPT',"
                + "'kms:KeyOrigin':'AWS_KMS','kms:GranteePrincipal':'bob','kms:RetiringPrincipal':'bob',"
                + "'kms:GrantConstraintType':'EncryptionContextEquals','kms:EncryptionAlgorithm':'SYMMETRIC_DEFAULT'}}"));
        // Version 2008-10-17 has no policy variables: "${" is a literal there
        PolicyDocument.parse(j("{'Version':'2008-10-17','Statement':{'Effect':'Allow','Principal':'alice','Action':'kms:Decrypt',"
                + "'Resource':'*','Condition':{'StringEquals':{'kms:CallerPrincipal':'${x}'}}}}"));
    }
}
