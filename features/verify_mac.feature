Feature: VerifyMac
  VerifyMac recomputes the HMAC of the message with the key and algorithm given and accepts the
  MAC only when it is identical: a 200 answer always says MacValid true, and every mismatch is
  an HTTP 400 KMSInvalidMacException that carries no message.

  Background:
    Given an HMAC_256 key "K"
    And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"

  Rule: an identical MAC is accepted, as often as asked

    @VM-OK-1 @VM-OK-2 @KID-4 @shared-key
    Scenario: The MAC from GenerateMac verifies
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds [VM-OK-1]
      And the response "MacValid" is true [VM-OK-1, VM-OK-2]
      And the response "MacAlgorithm" is "HMAC_SHA_256" [VM-OK-1]
      And the response "KeyId" is "<key-arn:K>" [KID-4]

    @VM-OK-3 @unverified @import @shared-key
    Scenario Outline: A MAC computed locally over imported <spec> material verifies
      Given an <spec> key "I" with imported material of <length> bytes
      And I compute the <algorithm> of blob:hello under the material of key "I" as "Local"
      When I call VerifyMac with:
        | KeyId        | key:I       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | mac:Local   |
      Then the call succeeds
      And the response "MacValid" is true

      Examples:
        | spec     | algorithm    | length |
        | HMAC_224 | HMAC_SHA_224 | 28     |
        | HMAC_256 | HMAC_SHA_256 | 32     |
        | HMAC_384 | HMAC_SHA_384 | 48     |
        | HMAC_512 | HMAC_SHA_512 | 64     |

    @VM-OK-4 @shared-key
    Scenario: The same MAC verifies again and again
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds
      And the response "MacValid" is true

  Rule: anything but the identical MAC is a KMSInvalidMacException without message

    @VM-FAIL-1 @VM-OK-2 @WIRE-10 @shared-key
    Scenario: The original MAC with a different message fails
      When I call VerifyMac with:
        | KeyId        | key:K                              |
        | Message      | blob:some different important message |
        | MacAlgorithm | HMAC_SHA_256                       |
        | Mac          | mac:T                              |
      Then the call fails with KMSInvalidMacException [VM-FAIL-1, VM-OK-2]
      And the response has no "MacValid" [VM-OK-2]
      And the error has no message [WIRE-10]

    @VM-FAIL-2 @WIRE-10 @shared-key
    Scenario Outline: The MAC <change> fails
      When I call VerifyMac with:
        | KeyId        | key:K           |
        | Message      | blob:hello      |
        | MacAlgorithm | HMAC_SHA_256    |
        | Mac          | mac:T <change>  |
      Then the call fails with KMSInvalidMacException [VM-FAIL-2]
      And the error has no message [WIRE-10]

      Examples:
        | change             |
        | with a bit flipped |
        | extended by 1      |
        | extended by 32     |
        | truncated to 31    |
        | truncated to 16    |
        | truncated to 1     |

    @VM-FAIL-3 @WIRE-10 @shared-key
    Scenario: A valid MAC checked against another key of the same spec fails
      Given an HMAC_256 key "Other"
      When I call VerifyMac with:
        | KeyId        | key:Other    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with KMSInvalidMacException [VM-FAIL-3]
      And the error has no message [WIRE-10]

    @VM-FAIL-6 @WIRE-10 @shared-key
    Scenario Outline: A made-up MAC of the right length for <algorithm> fails
      Given an <spec> key "R"
      When I call VerifyMac with:
        | KeyId        | key:R          |
        | Message      | blob:hello     |
        | MacAlgorithm | <algorithm>    |
        | Mac          | bytes:<length> |
      Then the call fails with KMSInvalidMacException [VM-FAIL-6]
      And the error has no message [WIRE-10]

      Examples:
        | spec     | algorithm    | length |
        | HMAC_224 | HMAC_SHA_224 | 28     |
        | HMAC_256 | HMAC_SHA_256 | 32     |
        | HMAC_384 | HMAC_SHA_384 | 48     |
        | HMAC_512 | HMAC_SHA_512 | 64     |

  Rule: a MAC made with one algorithm is refused on the spec check, not the comparison

    @VM-FAIL-4 @ALG-3 @ORD-4 @shared-key
    Scenario: An HMAC_SHA_256 MAC checked with HMAC_SHA_384 on the same key
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
        | Mac          | mac:T        |
      Then the call fails with InvalidKeyUsageException and message "Algorithm HMAC_SHA_384 is incompatible with key spec HMAC_256." [VM-FAIL-4, ALG-3]
      When I call VerifyMac with:
        | KeyId        | key:K                    |
        | Message      | blob:hello               |
        | MacAlgorithm | HMAC_SHA_384             |
        | Mac          | mac:T with a bit flipped |
      Then the call fails with InvalidKeyUsageException [ORD-4]
      And the error message is "Algorithm HMAC_SHA_384 is incompatible with key spec HMAC_256." [ALG-3]

  Rule: an empty or over-long MAC is a validation error

    @VM-FAIL-5 @raw-wire @shared-key
    Scenario Outline: A Mac of <size> bytes is a ValidationException, not a mismatch
      When I call VerifyMac raw with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:<size> |
      Then the call fails with ValidationException
      And the error message contains "at 'mac' failed to satisfy constraint"

      Examples:
        | size |
        | 0    |
        | 6145 |

  Rule: manual rotation moves an alias; old MACs verify only with the old key

    @VM-FAIL-7 @ROT-4 @WIRE-10 @aliases
    Scenario: VerifyMac through an alias moved to another HMAC key fails for the old MAC
      Given an alias "A" for key "K"
      And an HMAC_256 key "New"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "Old"
      When I call UpdateAlias with:
        | AliasName   | alias:A |
        | TargetKeyId | key:New |
      Then the call succeeds [VM-FAIL-7, ROT-4]
      And alias "A" reaches key "New" [VM-FAIL-7, ROT-4]
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:Old      |
      Then the call succeeds [ROT-4]
      When I call VerifyMac with:
        | KeyId        | alias:A      |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:Old      |
      Then the call fails with KMSInvalidMacException [VM-FAIL-7]
      And the error has no message [WIRE-10]
