Feature: Key rotation
  HMAC keys never rotate: EnableKeyRotation and RotateKeyOnDemand answer
  UnsupportedOperationException (DisableKeyRotation too, as far as anyone knows: AMB-17, so that
  answer is only an unverified observation), and a key keeps its material for life, so its MACs stay
  verifiable. "Rotating" an HMAC key means creating a new key and moving an alias to it; MACs
  made with the old key must then be verified with the old key's ID.

  Rule: automatic rotation cannot be enabled for HMAC keys

    @ROT-1
    Scenario Outline: <operation> on an <spec> key is an UnsupportedOperationException
      Given an <spec> key "K"
      When I call <operation> for key "K"
      Then the call fails with UnsupportedOperationException

      @recorded-part
      Examples: EnableKeyRotation (documented)
        | spec     | operation         |
        | HMAC_224 | EnableKeyRotation |
        | HMAC_256 | EnableKeyRotation |
        | HMAC_384 | EnableKeyRotation |
        | HMAC_512 | EnableKeyRotation |

      # AMB-17: whether DisableKeyRotation is refused is not recorded (an emulator author says AWS
      # answers 200): what the endpoint does is reported, never a hard failure.
      @unverified
      Examples: DisableKeyRotation (inferred)
        | spec     | operation          |
        | HMAC_224 | DisableKeyRotation |
        | HMAC_256 | DisableKeyRotation |
        | HMAC_384 | DisableKeyRotation |
        | HMAC_512 | DisableKeyRotation |

    @ROT-1 @import @recorded-part
    Scenario: EnableKeyRotation on an HMAC key with imported material is an UnsupportedOperationException
      Given an HMAC_256 key "K" with imported material of 32 bytes
      When I call EnableKeyRotation for key "K"
      Then the call fails with UnsupportedOperationException

  Rule: on-demand rotation is not supported for HMAC keys

    @ROT-2
    Scenario Outline: RotateKeyOnDemand on an <spec> key is an UnsupportedOperationException
      Given an <spec> key "K"
      When I call RotateKeyOnDemand for key "K"
      Then the call fails with UnsupportedOperationException

      Examples:
        | spec     |
        | HMAC_224 |
        | HMAC_256 |
        | HMAC_384 |
        | HMAC_512 |

  Rule: an HMAC key keeps its material, so its MACs stay verifiable

    # Whether the rotation calls are refused is ROT-1/ROT-2's business: here they are only attempts,
    # and ROT-3 judges the MACs made before them.
    @ROT-3
    Scenario: Rotation attempts leave the key's MACs unchanged
      Given an HMAC_384 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_384 as "Before"
      When I call EnableKeyRotation for key "K"
      And I call RotateKeyOnDemand for key "K"
      And I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
        | Mac          | mac:Before   |
      Then the call succeeds
      And the response "MacValid" is true

    # Equal bytes rest on determinism, which is inferred (GM-OK-3).
    @ROT-3 @GM-OK-3 @unverified
    Scenario: Rotation attempts leave the key's MACs byte-identical
      Given an HMAC_384 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_384 as "Before"
      When I call EnableKeyRotation for key "K"
      And I call RotateKeyOnDemand for key "K"
      And I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
      Then the call succeeds
      And I keep the response "Mac" as "After"
      And the MACs "Before" and "After" are equal

  Rule: manual rotation is a new key behind the same alias

    @ROT-4 @VM-FAIL-7 @aliases
    Scenario: After the alias moves, new MACs come from the new key and old MACs verify with the old key's ID
      Given an HMAC_256 key "Old"
      And an HMAC_256 key "New"
      And an alias "Current" for key "Old"
      And I generate a MAC of "hello" with key "Old" and HMAC_SHA_256 as "OldTag"
      When I call UpdateAlias with:
        | AliasName   | alias:Current |
        | TargetKeyId | key:New       |
      Then the call succeeds [ROT-4, VM-FAIL-7]
      And alias "Current" reaches key "New" [ROT-4, VM-FAIL-7]
      When I call GenerateMac with:
        | KeyId        | alias:Current |
        | Message      | blob:hello    |
        | MacAlgorithm | HMAC_SHA_256  |
      Then the call succeeds [ROT-4]
      And I keep the response "Mac" as "ViaAlias" [ROT-4]
      # Made by the new key: it verifies with it (VM-OK-1), without relying on equal bytes (GM-OK-3 is inferred).
      When I call VerifyMac with:
        | KeyId        | key:New       |
        | Message      | blob:hello    |
        | MacAlgorithm | HMAC_SHA_256  |
        | Mac          | mac:ViaAlias  |
      Then the call succeeds [ROT-4]
      And the response "MacValid" is true [ROT-4]
      When I call VerifyMac with:
        | KeyId        | key:Old      |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:OldTag   |
      Then the call succeeds [ROT-4]
      And the response "MacValid" is true [ROT-4]
      When I call VerifyMac with:
        | KeyId        | alias:Current |
        | Message      | blob:hello    |
        | MacAlgorithm | HMAC_SHA_256  |
        | Mac          | mac:OldTag    |
      Then the call fails with KMSInvalidMacException [VM-FAIL-7]
