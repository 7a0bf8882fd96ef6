Feature: DryRun
  With DryRun set, GenerateMac and VerifyMac never return a MAC or a verdict: a request that
  would have succeeded fails with DryRunOperationException "The request would have succeeded,
  but the DryRun option is set.", and a request that would have failed reports why.

  Rule: a DryRun request that would succeed answers DryRunOperationException and nothing else

    @DRY-1 @DRY-2 @shared-key
    Scenario Outline: GenerateMac with DryRun on an <spec> key returns no MAC
      Given an <spec> key "K"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | DryRun       | true        |
      Then the error code is not ValidationException [DRY-1]
      And the call fails with DryRunOperationException [DRY-2]
      And the error message is "The request would have succeeded, but the DryRun option is set." [DRY-2]
      And the response has "message" [DRY-2]
      And the response has no "Mac" [DRY-2]

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

    @DRY-1 @DRY-2 @shared-key
    Scenario Outline: VerifyMac with DryRun and a valid <spec> MAC returns no MacValid
      Given an <spec> key "K"
      And I generate a MAC of "hello" with key "K" and <algorithm> as "T"
      When I call VerifyMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | mac:T       |
        | DryRun       | true        |
      Then the error code is not ValidationException [DRY-1]
      And the call fails with DryRunOperationException [DRY-2]
      And the error message is "The request would have succeeded, but the DryRun option is set." [DRY-2]
      And the response has "message" [DRY-2]
      And the response has no "MacValid" [DRY-2]

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

    @DRY-2 @VM-OK-4 @MAC-DRY-1 @GM-OK-2 @shared-key
    Scenario: A DryRun GenerateMac changes nothing: the key still serves and verifies its MACs
      Given an HMAC_256 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "Before"
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with DryRunOperationException [DRY-2]
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:Before   |
      Then the call succeeds [DRY-2, VM-OK-4, MAC-DRY-1]
      And the response "MacValid" is true [DRY-2, VM-OK-4, MAC-DRY-1]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | false        |
      Then the call succeeds [DRY-2, MAC-DRY-1]
      And the response "Mac" is 32 bytes [GM-OK-2]

    # Equal bytes rest on determinism, which is inferred (GM-OK-3).
    @DRY-2 @GM-OK-3 @unverified @shared-key
    Scenario: A DryRun GenerateMac changes nothing: the key still makes the same MAC
      Given an HMAC_256 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "Before"
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with DryRunOperationException [DRY-2]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | false        |
      Then the call succeeds
      And I keep the response "Mac" as "After"
      And the MACs "Before" and "After" are equal

  Rule: a DryRun request with invalid parameters reports the validation failure

    @DRY-3 @MAC-ENUM-1 @shared-key
    Scenario: VerifyMac with DryRun and an unknown MacAlgorithm is a ValidationException
      Given an HMAC_256 key "K"
      When I call VerifyMac with:
        | KeyId        | key:K      |
        | Message      | blob:hello |
        | MacAlgorithm | INVALID    |
        | Mac          | bytes:32   |
        | DryRun       | true       |
      Then the call fails with ValidationException
      And the error message is "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]" [MAC-ENUM-1]

    @DRY-3 @MAC-ENUM-1 @shared-key
    Scenario: GenerateMac with DryRun and an unknown MacAlgorithm is a ValidationException
      Given an HMAC_256 key "K"
      When I call GenerateMac with:
        | KeyId        | key:K      |
        | Message      | blob:hello |
        | MacAlgorithm | INVALID    |
        | DryRun       | true       |
      Then the call fails with ValidationException
      And the error message is "1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]" [MAC-ENUM-1]

    @DRY-3 @MAC-SIZE-2 @shared-key
    Scenario: GenerateMac with DryRun and a 4097-byte message is a ValidationException
      Given an HMAC_256 key "K"
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | bytes:4097   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ValidationException [MAC-SIZE-2]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | bytes:4097   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with ValidationException [DRY-3]

    @DRY-3 @MAC-REQ-2 @raw-wire @shared-key
    Scenario: VerifyMac with DryRun and no Mac is a ValidationException
      Given an HMAC_256 key "K"
      When I call VerifyMac raw with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ValidationException [MAC-REQ-2]
      When I call VerifyMac raw with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with ValidationException [DRY-3]

  Rule: a DryRun request that would fail for another reason reports that reason

    @DRY-6 @unverified
    Scenario: GenerateMac with DryRun on a disabled key reports DisabledException
      Given an HMAC_256 key "K"
      And key "K" is in state Disabled
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with DisabledException and message "<key-arn> is disabled."

    @DRY-6 @unverified @shared-key
    Scenario: GenerateMac with DryRun on a key that does not exist reports NotFoundException
      Given an HMAC_256 key "K"
      When I call GenerateMac with:
        | KeyId        | 00000000-0000-4000-8000-000000000000 |
        | Message      | blob:hello                           |
        | MacAlgorithm | HMAC_SHA_256                         |
        | DryRun       | true                                 |
      Then the call fails with NotFoundException and message "Key 'arn:<partition>:kms:<region>:<account>:key/00000000-0000-4000-8000-000000000000' does not exist"

    @DRY-6 @unverified @shared-key
    Scenario: GenerateMac with DryRun and the wrong algorithm reports InvalidKeyUsageException
      Given an HMAC_224 key "K"
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with InvalidKeyUsageException and message "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224."

    @DRY-6 @unverified @shared-key
    Scenario: GenerateMac with DryRun on a symmetric encryption key reports InvalidKeyUsageException
      Given a SYMMETRIC_DEFAULT key "E"
      When I call GenerateMac with:
        | KeyId        | key:E        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with InvalidKeyUsageException and message "<key-arn> key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac."

    @DRY-6 @unverified @shared-key
    Scenario: VerifyMac with DryRun and a wrong MAC reports KMSInvalidMacException
      Given an HMAC_256 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac with:
        | KeyId        | key:K                    |
        | Message      | blob:hello               |
        | MacAlgorithm | HMAC_SHA_256             |
        | Mac          | mac:T with a bit flipped |
        | DryRun       | true                     |
      Then the call fails with KMSInvalidMacException and no message

    @DRY-6 @import @unverified @shared-key
    Scenario: VerifyMac with DryRun on a key without material reports KMSInvalidStateException
      Given an HMAC_256 key "K" without key material
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:32     |
        | DryRun       | true         |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending import."
