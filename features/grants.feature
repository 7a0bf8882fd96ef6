@grants
Feature: Grants on HMAC keys
  A grant on an HMAC key may allow GenerateMac and VerifyMac (plus DescribeKey, CreateGrant and
  RetireGrant), and nothing the key cannot do; a grant on an encryption key cannot allow MAC
  operations, and HMAC grants take no encryption-context constraints. A grant's token makes it
  usable at once. CreateGrant follows the key-state table and supports DryRun.

  Rule: GenerateMac and VerifyMac are grant operations of HMAC keys

    @GR-1
    Scenario Outline: CreateGrant on an <spec> key for the MAC operations
      Given an <spec> key "K"
      When I create a grant "G" on key "K" with:
        | Operations | json:["GenerateMac","VerifyMac","DescribeKey","CreateGrant","RetireGrant"] |
      Then the call succeeds
      And the response "GrantId" is a string
      And the response "GrantToken" is a string

      Examples:
        | spec     |
        | HMAC_224 |
        | HMAC_256 |
        | HMAC_384 |
        | HMAC_512 |

    @GR-1
    Scenario: CreateGrant for GenerateMac alone, named by key ARN
      Given an HMAC_256 key "K"
      When I create a grant "G" on key "K" with:
        | KeyId      | key-arn:K            |
        | Operations | json:["GenerateMac"] |
        | Name       | kmsmac-grant         |
      Then the call succeeds
      And the response "GrantId" is a string

  Rule: a grant token gives immediate use of a new grant

    @GR-5
    Scenario: VerifyMac with the token of a grant created just before succeeds
      Given an HMAC_512 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_512 as "T"
      And a grant "G" on key "K" for GenerateMac,VerifyMac
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
        | Mac          | mac:T        |
        | GrantTokens  | tokens:G     |
      Then the call succeeds
      And the response "MacValid" is true

    @GR-5
    Scenario: GenerateMac with the token of a grant created just before succeeds
      Given an HMAC_512 key "K"
      And a grant "G" on key "K" for GenerateMac
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
        | GrantTokens  | tokens:G     |
      Then the call succeeds
      And the response "Mac" is 64 bytes

  Rule: a grant on an HMAC key cannot allow what the key does not support

    @GR-2
    Scenario Outline: CreateGrant on an HMAC key for <operation> is a ValidationException
      Given an HMAC_256 key "K"
      When I create a grant "G" on key "K" with:
        | Operations | json:["<operation>"] |
      Then the call fails with ValidationException

      Examples:
        | operation                           |
        | Encrypt                             |
        | Decrypt                             |
        | GenerateDataKey                     |
        | GenerateDataKeyWithoutPlaintext     |
        | GenerateDataKeyPair                 |
        | GenerateDataKeyPairWithoutPlaintext |
        | ReEncryptFrom                       |
        | ReEncryptTo                         |
        | Sign                                |
        | Verify                              |
        | GetPublicKey                        |
        | DeriveSharedSecret                  |

    @GR-2
    Scenario: CreateGrant on an HMAC key for GenerateMac and Sign together is a ValidationException
      Given an HMAC_384 key "K"
      When I create a grant "G" on key "K" with:
        | Operations | json:["GenerateMac","Sign"] |
      Then the call fails with ValidationException

    @GR-3
    Scenario Outline: CreateGrant on a symmetric encryption key for <operation> is a ValidationException
      Given a SYMMETRIC_DEFAULT key "E"
      When I create a grant "G" on key "E" with:
        | Operations | json:["<operation>"] |
      Then the call fails with ValidationException

      Examples:
        | operation   |
        | GenerateMac |
        | VerifyMac   |

  Rule: HMAC grants take no encryption-context constraints

    @GR-4
    Scenario Outline: CreateGrant on an HMAC key with constraint <constraint> is a ValidationException
      Given an HMAC_256 key "K"
      When I create a grant "G" on key "K" with:
        | Operations               | json:["GenerateMac","VerifyMac"] |
        | Constraints.<constraint> | json:{"purpose":"test"}          |
      Then the call fails with ValidationException

      Examples:
        | constraint              |
        | EncryptionContextEquals |
        | EncryptionContextSubset |

  Rule: CreateGrant follows the key-state table

    @GR-7
    Scenario: CreateGrant on a disabled HMAC key is a DisabledException
      Given an HMAC_256 key "K"
      And key "K" is in state Disabled
      When I create a grant "G" on key "K" with:
        | Operations | json:["GenerateMac"] |
      Then the call fails with DisabledException

    @GR-7
    Scenario: CreateGrant on an HMAC key pending deletion is a KMSInvalidStateException
      Given an HMAC_256 key "K"
      And key "K" is in state PendingDeletion
      When I create a grant "G" on key "K" with:
        | Operations | json:["GenerateMac"] |
      Then the call fails with KMSInvalidStateException

    @GR-7 @import
    Scenario: CreateGrant on an HMAC key pending import is a KMSInvalidStateException
      Given an HMAC_256 key "K" without key material
      When I create a grant "G" on key "K" with:
        | Operations | json:["GenerateMac"] |
      Then the call fails with KMSInvalidStateException

    @GR-7 @reference-only
    Scenario: CreateGrant on an HMAC key being created is a KMSInvalidStateException
      Given an HMAC_256 key "K"
      And key "K" is in state Creating
      When I create a grant "G" on key "K" with:
        | Operations | json:["GenerateMac"] |
      Then the call fails with KMSInvalidStateException

  Rule: CreateGrant supports DryRun

    @GR-8
    Scenario: CreateGrant with DryRun creates no grant
      Given an HMAC_256 key "K"
      When I create a grant "G" on key "K" with:
        | Operations | json:["GenerateMac","VerifyMac"] |
        | DryRun     | true                             |
      Then the call fails with DryRunOperationException
      When I call ListGrants for key "K"
      Then the call succeeds
      And the response "Grants" equals JSON []
