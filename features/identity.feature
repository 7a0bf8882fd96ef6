Feature: Who is calling: permissions, grants and other accounts
  The harness acts as two more principals: a second principal of its own account and a
  principal of another account (the embedded reference has both; for another endpoint give
  them as `principals:` in --keys, else these scenarios are blocked). A key "whose key policy
  leaves out the second principal" lets the harness's account use it through IAM, except that
  principal, so it has no permission on the key but what a statement or a grant gives it.

  Rule: GenerateMac needs kms:GenerateMac and VerifyMac needs kms:VerifyMac, independently

    @AUTH-1 @AUTH-5 @AUTH-7 @SIG-5
    Scenario: a principal the key policy leaves out cannot generate a MAC
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call is denied to the second principal for kms:GenerateMac on key "K"

    @AUTH-1 @AUTH-2
    Scenario: kms:GenerateMac alone allows GenerateMac
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal        | actions         |
        | second principal | kms:GenerateMac |
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds

    @AUTH-1 @AUTH-2 @AUTH-5
    Scenario: kms:GenerateMac alone does not allow VerifyMac
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal        | actions         |
        | second principal | kms:GenerateMac |
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When the second principal calls VerifyMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call is denied to the second principal for kms:VerifyMac on key "K"

    @AUTH-1 @AUTH-2 @AUTH-5
    Scenario: kms:VerifyMac alone allows VerifyMac but not GenerateMac
      Given an HMAC_384 key "K" whose key policy leaves out the second principal and allows:
        | principal        | actions       |
        | second principal | kms:VerifyMac |
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_384 as "T"
      When the second principal calls VerifyMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
        | Mac          | mac:T        |
      Then the call succeeds
      And the response "MacValid" is true
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
      Then the call is denied to the second principal for kms:GenerateMac on key "K"

  Rule: the condition key kms:MacAlgorithm limits the algorithm

    @AUTH-3
    Scenario: a kms:MacAlgorithm condition that names the request's algorithm allows it
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal        | actions         | mac algorithm |
        | second principal | kms:GenerateMac | HMAC_SHA_256  |
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds

    @AUTH-3 @AUTH-5
    Scenario: a kms:MacAlgorithm condition that names another algorithm denies
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal        | actions                       | mac algorithm |
        | second principal | kms:GenerateMac,kms:VerifyMac | HMAC_SHA_512  |
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call is denied to the second principal for kms:GenerateMac on key "K"

  Rule: the console's key-user statement gives DescribeKey, GenerateMac and VerifyMac, and no grants

    @AUTH-4 @AUTH-5 @grants
    Scenario: a key user with the HMAC key-user actions uses the key but cannot create grants
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal        | actions                                       |
        | second principal | kms:DescribeKey,kms:GenerateMac,kms:VerifyMac |
      When the second principal calls DescribeKey with:
        | KeyId | key-arn:K |
      Then the call succeeds
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      When the second principal calls CreateGrant with:
        | KeyId            | key-arn:K            |
        | GranteePrincipal | <second-arn>         |
        | Operations       | json:["GenerateMac"] |
      Then the call is denied to the second principal for kms:CreateGrant on key "K"

  Rule: the default key policy lets the account's principals use the key through IAM

    @AUTH-7
    Scenario: the second principal uses a key created without a policy
      Given an HMAC_256 key "K"
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds

    @AUTH-5 @AUTH-7
    Scenario: a principal the key policy leaves out cannot manage the key either
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      When the second principal calls DisableKey with:
        | KeyId | key-arn:K |
      Then the call is denied to the second principal for kms:DisableKey on key "K"

  Rule: a principal of another account names the key by key ARN or alias ARN

    @AUTH-6 @KID-3
    Scenario: another account generates and verifies a MAC by key ARN
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal     | actions                       |
        | other account | kms:GenerateMac,kms:VerifyMac |
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When the other-account principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And I keep the response "Mac" as "U"
      And the MACs "T" and "U" are equal
      When the other-account principal calls VerifyMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds
      And the response "MacValid" is true

    @AUTH-6 @KID-3 @aliases
    Scenario: another account generates a MAC by alias ARN
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal     | actions         |
        | other account | kms:GenerateMac |
      And an alias "A" for key "K"
      When the other-account principal calls GenerateMac with:
        | KeyId        | alias-arn:A  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds

    @KID-3
    Scenario: a bare key id from another account resolves in that account
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal     | actions         |
        | other account | kms:DescribeKey |
      When the other-account principal calls DescribeKey with:
        | KeyId | key-id:K |
      Then the call fails with NotFoundException and message in the other account "Key 'arn:<partition>:kms:<region>:<other-account>:key/<key-id:K>' does not exist"

    @AUTH-5 @AUTH-6
    Scenario: another account the key policy does not name is denied
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      When the other-account principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call is denied to the other-account principal for kms:GenerateMac on key "K"

  Rule: the account and principal of a call come from its access key

    @SIG-5
    Scenario: a key created by another account's principal is that account's
      When the other-account principal calls CreateKey with:
        | KeySpec  | HMAC_256            |
        | KeyUsage | GENERATE_VERIFY_MAC |
      Then the created key belongs to the other account

  Rule: grants give a principal the operations they name, at once with the token

    @GR-1 @GR-5 @grants
    Scenario: a grant token lets the grantee generate a MAC at once
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      And I create a grant "G" on key "K" for the second principal to GenerateMac
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | GrantTokens  | tokens:G     |
      Then the call succeeds

    @GR-1 @GR-5 @grants
    Scenario: a grant token lets the grantee verify a MAC at once
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      And I create a grant "G" on key "K" for the second principal to VerifyMac
      When the second principal calls VerifyMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
        | GrantTokens  | tokens:G     |
      Then the call succeeds
      And the response "MacValid" is true

    @AUTH-5 @GR-6 @grants
    Scenario: a grant for GenerateMac alone does not allow VerifyMac
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      And I create a grant "G" on key "K" for the second principal to GenerateMac
      When the second principal calls VerifyMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
        | GrantTokens  | tokens:G     |
      Then the call is denied to the second principal for kms:VerifyMac on key "K"

    @AUTH-5 @GR-6 @grants
    Scenario: a grant for VerifyMac alone does not allow GenerateMac
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      And I create a grant "G" on key "K" for the second principal to VerifyMac
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | GrantTokens  | tokens:G     |
      Then the call is denied to the second principal for kms:GenerateMac on key "K"

    @GR-8 @grants
    Scenario: another account creates a grant with the key ARN
      Given an HMAC_256 key "K" whose key policy leaves out the second principal and allows:
        | principal     | actions         |
        | other account | kms:CreateGrant |
      When the other-account principal calls CreateGrant with:
        | KeyId            | key-arn:K            |
        | GranteePrincipal | <other-arn>          |
        | Operations       | json:["GenerateMac"] |
      Then the call succeeds
      And the response "GrantId" is a string

  Rule: DryRun answers the authorization failure first

    @DRY-4 @AUTH-5
    Scenario: a DryRun GenerateMac by a principal without permission is denied
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      When the second principal calls GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call is denied to the second principal for kms:GenerateMac on key "K"

    @DRY-4 @AUTH-5 @grants
    Scenario: a DryRun CreateGrant by a principal without permission is denied
      Given an HMAC_256 key "K" whose key policy leaves out the second principal
      When the second principal calls CreateGrant with:
        | KeyId            | key-arn:K            |
        | GranteePrincipal | <second-arn>         |
        | Operations       | json:["GenerateMac"] |
        | DryRun           | true                 |
      Then the call is denied to the second principal for kms:CreateGrant on key "K"
