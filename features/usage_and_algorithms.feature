Feature: Key usage, key spec and MAC algorithm
  Only keys with KeyUsage GENERATE_VERIFY_MAC make or check MACs, and each HMAC key spec supports
  exactly one MAC algorithm: HMAC_224 → HMAC_SHA_224, HMAC_256 → HMAC_SHA_256,
  HMAC_384 → HMAC_SHA_384, HMAC_512 → HMAC_SHA_512. Anything else is an
  InvalidKeyUsageException.

  Rule: each HMAC key spec supports exactly one MAC algorithm

    @ALG-1 @shared-key
    Scenario Outline: An <spec> key lists <algorithm> as its only MAC algorithm
      Given an <spec> key "K"
      When I call DescribeKey for key "K"
      Then the call succeeds
      And the response "KeyMetadata.MacAlgorithms" equals JSON ["<algorithm>"]

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

    @ALG-5 @GM-OK-1 @VM-OK-1 @VM-OK-2 @shared-key
    Scenario Outline: <spec> with <algorithm> generates and verifies
      Given an <spec> key "K"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call succeeds [ALG-5, GM-OK-1]
      And I keep the response "Mac" as "T" [ALG-5, GM-OK-1]
      When I call VerifyMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | mac:T       |
      Then the call succeeds [ALG-5, VM-OK-1]
      And the response "MacValid" is true [ALG-5, VM-OK-1, VM-OK-2]
      And the response "MacAlgorithm" is "<algorithm>" [ALG-5, VM-OK-1]

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

  Rule: an algorithm the key spec does not support is an InvalidKeyUsageException without ARN

    @ALG-2 @shared-key
    Scenario: GenerateMac with HMAC_SHA_256 on an HMAC_224 key
      Given an HMAC_224 key "K"
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with InvalidKeyUsageException and message "Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224."

    @ALG-3 @VM-FAIL-4 @shared-key
    Scenario: VerifyMac with HMAC_SHA_512 on an HMAC_256 key, before any MAC comparison
      Given an HMAC_256 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
        | Mac          | mac:T        |
      Then the call fails with InvalidKeyUsageException and message "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256."

    @ALG-4 @unverified @shared-key
    Scenario Outline: <algorithm> on an <spec> key is refused by both operations
      Given an <spec> key "K"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call fails with InvalidKeyUsageException and message "Algorithm <algorithm> is incompatible with key spec <spec>."
      When I call VerifyMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | bytes:64    |
      Then the call fails with InvalidKeyUsageException and message "Algorithm <algorithm> is incompatible with key spec <spec>."

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_256 |
        | HMAC_224 | HMAC_SHA_384 |
        | HMAC_224 | HMAC_SHA_512 |
        | HMAC_256 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_384 |
        | HMAC_256 | HMAC_SHA_512 |
        | HMAC_384 | HMAC_SHA_224 |
        | HMAC_384 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_512 |
        | HMAC_512 | HMAC_SHA_224 |
        | HMAC_512 | HMAC_SHA_256 |
        | HMAC_512 | HMAC_SHA_384 |

  Rule: only GENERATE_VERIFY_MAC keys make or check MACs

    @USE-1 @ORD-3 @shared-key
    Scenario: GenerateMac with a symmetric encryption key
      Given a SYMMETRIC_DEFAULT key "E"
      When I call GenerateMac with:
        | KeyId        | key:E        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_224 |
      Then the call fails [ORD-3]
      And the error message does not contain "incompatible" [ORD-3]
      And the error code is InvalidKeyUsageException [USE-1]
      And the HTTP status is 400 [USE-1]
      And the error message is "<key-arn> key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac." [USE-1]

    @USE-2 @unverified @shared-key
    Scenario: VerifyMac with a symmetric encryption key
      Given a SYMMETRIC_DEFAULT key "E"
      When I call VerifyMac with:
        | KeyId        | key:E        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:32     |
      Then the call fails with InvalidKeyUsageException and message "<key-arn> key usage is ENCRYPT_DECRYPT which is not valid for VerifyMac."

    @USE-3 @unverified @shared-key
    Scenario Outline: <operation> with a <spec> key for <usage>
      Given an <spec> key "S" with usage <usage>
      When I call <operation> with:
        | KeyId        | key:S        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:32     |
      Then the call fails with InvalidKeyUsageException and message "<key-arn> key usage is <usage> which is not valid for <operation>."

      Examples:
        | operation | spec          | usage         |
        | VerifyMac | RSA_2048      | SIGN_VERIFY   |
        | VerifyMac | ECC_NIST_P256 | SIGN_VERIFY   |
        | VerifyMac | ECC_NIST_P256 | KEY_AGREEMENT |

    @USE-3 @unverified @shared-key
    Scenario Outline: GenerateMac with a <spec> key for <usage>
      Given an <spec> key "S" with usage <usage>
      When I call GenerateMac with:
        | KeyId        | key:S        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with InvalidKeyUsageException and message "<key-arn> key usage is <usage> which is not valid for GenerateMac."

      Examples:
        | spec          | usage         |
        | RSA_2048      | SIGN_VERIFY   |
        | ECC_NIST_P256 | SIGN_VERIFY   |
        | ECC_NIST_P256 | KEY_AGREEMENT |

    @USE-4 @raw-wire @shared-key
    Scenario Outline: An HMAC key does not serve <operation>
      Given an HMAC_256 key "K"
      When I send a raw <operation> request with body:
        """
        <body>
        """
      Then the call fails

      Examples:
        | operation       | body                                                                                  |
        | Encrypt         | {"KeyId": "<key-id:K>", "Plaintext": "aGVsbG8="}                                      |
        | Sign            | {"KeyId": "<key-id:K>", "Message": "aGVsbG8=", "SigningAlgorithm": "RSASSA_PSS_SHA_256"} |
        | GenerateDataKey | {"KeyId": "<key-id:K>", "KeySpec": "AES_256"}                                         |
