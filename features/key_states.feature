Feature: Key states
  An HMAC key makes and checks MACs only while it is Enabled (or Updating); in every other
  state both operations fail with the key-state table's error, which names the key ARN:
  Disabled → DisabledException "<key-arn> is disabled.", pending deletion → KMSInvalidStateException
  "<key-arn> is pending deletion.", no key material → "<key-arn> is pending import.", a replica
  being created → "<key-arn> is creating.". DescribeKey works in every state, and
  KeyMetadata.Enabled is true exactly when KeyState is Enabled.

  Rule: an Enabled key serves both operations

    @STATE-1 @shared-key
    Scenario Outline: An Enabled <spec> key generates and verifies
      Given an <spec> key "K"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call succeeds
      And I keep the response "Mac" as "T"
      When I call VerifyMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | mac:T       |
      Then the call succeeds
      And the response "MacValid" is true

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

  Rule: a Disabled key rejects both operations with DisabledException

    @STATE-2
    Scenario Outline: A disabled <spec> key refuses GenerateMac and VerifyMac
      Given an <spec> key "K"
      And I generate a MAC of "hello" with key "K" and <algorithm> as "T"
      And key "K" is in state Disabled
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call fails with DisabledException and message "<key-arn> is disabled."
      And the response has no "Mac"
      When I call VerifyMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | mac:T       |
      Then the call fails with DisabledException and message "<key-arn> is disabled."

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

    @STATE-2 @KID-12 @aliases
    Scenario: The DisabledException names the key ARN when the request used an alias
      Given an HMAC_256 key "K"
      And an alias "A" for key "K"
      And key "K" is in state Disabled
      When I call GenerateMac with:
        | KeyId        | alias:A      |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with DisabledException [STATE-2]
      And the error message is "<key-arn:K> is disabled."

  Rule: DisableKey and EnableKey toggle the key, and old MACs verify again

    @STATE-10 @STATE-1 @GM-OK-2 @recorded-part
    Scenario: DisableKey and EnableKey toggle an HMAC key, which then serves again
      Given an HMAC_384 key "K"
      When I call DisableKey for key "K"
      Then the call succeeds [STATE-10]
      And key "K" reaches state Disabled [STATE-10]
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.Enabled" is false [STATE-10]
      When I call EnableKey for key "K"
      Then the call succeeds [STATE-10]
      And key "K" reaches state Enabled [STATE-10]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
      Then the call succeeds [STATE-1, STATE-10]
      And the response "Mac" is 48 bytes [GM-OK-2]

    # That earlier MACs verify again (and are made again) after re-enabling is inferred (STATE-10, GM-OK-3).
    @STATE-10 @GM-OK-3 @unverified
    Scenario: A MAC made before DisableKey verifies after EnableKey
      Given an HMAC_384 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_384 as "Before"
      When I call DisableKey for key "K"
      Then the call succeeds [STATE-10]
      And key "K" reaches state Disabled [STATE-10]
      When I call EnableKey for key "K"
      Then the call succeeds [STATE-10]
      And key "K" reaches state Enabled [STATE-10]
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
        | Mac          | mac:Before   |
      Then the call succeeds [STATE-10]
      And the response "MacValid" is true [STATE-10]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
      Then the call succeeds
      And I keep the response "Mac" as "After"
      And the MACs "Before" and "After" are equal

  Rule: a key pending deletion rejects both operations with KMSInvalidStateException

    @STATE-3
    Scenario Outline: A <spec> key scheduled for deletion refuses GenerateMac and VerifyMac
      Given an <spec> key "K"
      And I generate a MAC of "hello" with key "K" and <algorithm> as "T"
      And key "K" is in state PendingDeletion
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending deletion."
      When I call VerifyMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | mac:T       |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending deletion."

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

    @STATE-4 @MRK-8
    Scenario: A multi-Region primary pending replica deletion refuses both operations
      Given the endpoint serves a second Region
      And a multi-Region HMAC_256 key "K"
      And key "K" has a replica "R" in the second Region
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I schedule the deletion of key "K"
      Then the call succeeds
      And the response "KeyState" is "PendingReplicaDeletion"
      And key "K" reaches state PendingReplicaDeletion
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with KMSInvalidStateException
      And the error message contains "<key-arn:K> is pending"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with KMSInvalidStateException
      And the error message contains "<key-arn:K> is pending"

  Rule: after CancelKeyDeletion the key is Disabled, not Enabled

    @STATE-11 @STATE-2
    Scenario: A key whose deletion is cancelled stays unusable until EnableKey
      Given an HMAC_512 key "K"
      And key "K" is in state PendingDeletion
      When I call CancelKeyDeletion for key "K" [STATE-11]
      Then the call succeeds [STATE-11]
      And key "K" reaches state Disabled [STATE-11]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
      Then the call fails with DisabledException and message "<key-arn> is disabled." [STATE-2]
      When I call EnableKey for key "K" [STATE-11]
      Then the call succeeds [STATE-11]
      And key "K" reaches state Enabled [STATE-11]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
      Then the call succeeds [STATE-11]

  Rule: a key without key material (PendingImport) rejects both operations

    @STATE-5 @import @unverified @shared-key
    Scenario Outline: A new <spec> key with Origin EXTERNAL refuses both operations until material is imported
      Given an <spec> key "K" without key material
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending import."
      When I call VerifyMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | bytes:<len> |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending import."

      Examples:
        | spec     | algorithm    | len |
        | HMAC_224 | HMAC_SHA_224 | 28  |
        | HMAC_256 | HMAC_SHA_256 | 32  |
        | HMAC_384 | HMAC_SHA_384 | 48  |
        | HMAC_512 | HMAC_SHA_512 | 64  |

    @STATE-5 @import @unverified
    Scenario: A key whose imported material was deleted refuses both operations
      Given an HMAC_256 key "K" with imported material of 32 bytes
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call DeleteImportedKeyMaterial for key "K"
      Then the call succeeds
      And key "K" reaches state PendingImport
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending import."
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending import."

    @STATE-5 @import @reference-only @unverified
    Scenario: A key whose imported material expired refuses both operations
      Given an HMAC_384 key "K" with imported material of 48 bytes
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_384 as "T"
      When I call KmsmacReference.ExpireKeyMaterial raw with:
        | KeyId | key:K |
      Then the call succeeds
      And key "K" reaches state PendingImport
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending import."
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
        | Mac          | mac:T        |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is pending import."

  Rule: a replica being created rejects both operations; a key being updated keeps working

    @STATE-6 @reference-only
    Scenario: A key in the Creating state refuses GenerateMac and VerifyMac
      Given an HMAC_256 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      And key "K" is in state Creating
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is creating."
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with KMSInvalidStateException and message "<key-arn> is creating."

    @STATE-7 @reference-only
    Scenario: A key in the Updating state keeps generating and verifying
      Given an HMAC_512 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_512 as "T"
      And key "K" is in state Updating
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
      Then the call succeeds
      And the response "Mac" is 64 bytes
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
        | Mac          | mac:T        |
      Then the call succeeds
      And the response "MacValid" is true

  Rule: KeyMetadata.Enabled is true exactly when KeyState is Enabled, and DescribeKey works in every state

    @STATE-9 @DK-5
    Scenario Outline: DescribeKey of a key in state <state> shows Enabled <enabled>
      Given an HMAC_256 key "K"
      And key "K" is in state <state>
      When I call DescribeKey for key "K"
      Then the call succeeds [DK-5]
      And the response "KeyMetadata.KeyState" is "<state>" [STATE-9]
      And the response "KeyMetadata.Enabled" is <enabled> [STATE-9]

      Examples:
        | state           | enabled |
        | Enabled         | true    |
        | Disabled        | false   |
        | PendingDeletion | false   |

    @STATE-9 @DK-5 @import @shared-key
    Scenario: DescribeKey of a key without key material shows PendingImport and Enabled false
      Given an HMAC_384 key "K" without key material
      When I call DescribeKey for key "K"
      Then the call succeeds [DK-5]
      And the response "KeyMetadata.KeyState" is "PendingImport" [STATE-9]
      And the response "KeyMetadata.Enabled" is false [STATE-9]

    @STATE-9 @DK-5 @reference-only
    Scenario Outline: DescribeKey of a key in state <state> shows Enabled false
      Given an HMAC_256 key "K"
      And key "K" is in state <state>
      When I call DescribeKey for key "K"
      Then the call succeeds [DK-5]
      And the response "KeyMetadata.KeyState" is "<state>" [STATE-9]
      And the response "KeyMetadata.Enabled" is false [STATE-9]

      Examples:
        | state                  |
        | Creating               |
        | Updating               |
        | PendingReplicaDeletion |

  Rule: the deletion waiting period is 7 to 30 days, 30 by default

    @STATE-12
    Scenario Outline: ScheduleKeyDeletion accepts a waiting period of <days> days
      Given an HMAC_256 key "K"
      When I call ScheduleKeyDeletion with:
        | KeyId               | key:K       |
        | PendingWindowInDays | json:<days> |
      Then the call succeeds
      And key "K" reaches state PendingDeletion

      Examples:
        | days |
        | 7    |
        | 30   |

    @STATE-12
    Scenario: ScheduleKeyDeletion without a waiting period waits 30 days
      Given an HMAC_256 key "K"
      When I call ScheduleKeyDeletion with:
        | KeyId | key:K |
      Then the call succeeds
      And key "K" reaches state PendingDeletion

    @STATE-12 @raw-wire
    Scenario Outline: ScheduleKeyDeletion refuses a waiting period of <days> days
      Given an HMAC_256 key "K"
      When I send a raw ScheduleKeyDeletion request with body:
        """
        {"KeyId": "<key-id:K>", "PendingWindowInDays": <days>}
        """
      Then the call fails
      And the HTTP status is 400
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "Enabled"

      Examples:
        | days |
        | 6    |
        | 31   |
