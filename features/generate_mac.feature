Feature: GenerateMac
  GenerateMac returns the plain RFC 2104 HMAC of the message under the key's material, with the
  algorithm asked for and the key ARN: 28, 32, 48 or 64 bytes for SHA-224, -256, -384, -512.
  The message is opaque bytes; there is no digest mode.

  Rule: a valid request returns the MAC, the algorithm and the key ARN

    @GM-OK-1 @shared-key
    Scenario Outline: GenerateMac with an <spec> key answers with the key ARN and <algorithm>
      Given an <spec> key "K"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call succeeds
      And the response "MacAlgorithm" is "<algorithm>"
      And the response "KeyId" is "<key-arn:K>"

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

    @GM-OK-2 @shared-key
    Scenario Outline: An <algorithm> MAC is the full <length>-byte digest
      Given an <spec> key "K"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call succeeds
      And the response "Mac" is <length> bytes

      Examples:
        | spec     | algorithm    | length |
        | HMAC_224 | HMAC_SHA_224 | 28     |
        | HMAC_256 | HMAC_SHA_256 | 32     |
        | HMAC_384 | HMAC_SHA_384 | 48     |
        | HMAC_512 | HMAC_SHA_512 | 64     |

  Rule: the MAC is deterministic and specific to the key

    @GM-OK-3 @unverified @shared-key
    Scenario: The same key, algorithm and message give the same MAC
      Given an HMAC_384 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_384 as "First"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_384 as "Second"
      Then the MACs "First" and "Second" are equal

    @GM-OK-5 @unverified @shared-key
    Scenario: Two generated keys of the same spec give different MACs
      Given an HMAC_256 key "K1"
      And an HMAC_256 key "K2"
      And I generate a MAC of "hello" with key "K1" and HMAC_SHA_256 as "T1"
      And I generate a MAC of "hello" with key "K2" and HMAC_SHA_256 as "T2"
      Then the MACs "T1" and "T2" are different

  Rule: the MAC is the RFC 2104 HMAC under the key material

    @GM-OK-4 @IMP-1 @import
    Scenario Outline: With imported <spec> material GenerateMac equals a local <algorithm>
      Given an <spec> key "K" with imported material of <length> bytes
      And I compute the <algorithm> of blob:hello under the material of key "K" as "Local"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call succeeds
      And I keep the response "Mac" as "Remote"
      And the MACs "Local" and "Remote" are equal [GM-OK-4]

      Examples:
        | spec     | algorithm    | length |
        | HMAC_224 | HMAC_SHA_224 | 28     |
        | HMAC_256 | HMAC_SHA_256 | 32     |
        | HMAC_384 | HMAC_SHA_384 | 48     |
        | HMAC_512 | HMAC_SHA_512 | 64     |

    @GM-OK-4 @import
    Scenario Outline: A <size>-byte message is MACed exactly as a local HMAC would
      Given an HMAC_512 key "K" with imported material of 64 bytes
      And I compute the HMAC_SHA_512 of bytes:<size> under the material of key "K" as "Local"
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | bytes:<size> |
        | MacAlgorithm | HMAC_SHA_512 |
      Then the call succeeds
      And I keep the response "Mac" as "Remote"
      And the MACs "Local" and "Remote" are equal

      Examples:
        | size |
        | 1    |
        | 128  |
        | 129  |
        | 4096 |

  Rule: the message is opaque bytes; a digest is not treated specially

    @GM-OK-6 @import
    Scenario: A 32-byte SHA-256 digest as Message is HMACed as-is
      Given an HMAC_256 key "K" with imported material of 32 bytes
      And I compute the HMAC_SHA_256 of sha256:hello under the material of key "K" as "Local"
      When I call GenerateMac with:
        | KeyId        | key:K          |
        | Message      | sha256:hello   |
        | MacAlgorithm | HMAC_SHA_256   |
      Then the call succeeds
      And I keep the response "Mac" as "Remote"
      And the MACs "Local" and "Remote" are equal
