Feature: Creating HMAC keys and their metadata
  CreateKey makes an HMAC key from KeySpec HMAC_224, HMAC_256, HMAC_384 or HMAC_512 together with
  KeyUsage GENERATE_VERIFY_MAC, which must be given even though it is the only usage allowed. The
  key's metadata names its one MAC algorithm and has none of the members of encryption, signing
  or key-agreement keys.

  Rule: an HMAC spec with GENERATE_VERIFY_MAC creates an Enabled key with AWS-generated material

    @CK-1 @CK-13
    Scenario Outline: CreateKey with <spec> and GENERATE_VERIFY_MAC
      When I call CreateKey with:
        | KeySpec  | <spec>              |
        | KeyUsage | GENERATE_VERIFY_MAC |
      Then the call succeeds [CK-1]
      And the response "KeyMetadata.KeyState" is "Enabled" [CK-1]
      And the response "KeyMetadata.Enabled" is true [CK-1]
      And the response "KeyMetadata.Origin" is "AWS_KMS" [CK-1]
      And the response "KeyMetadata.KeySpec" is "<spec>" [CK-1]
      And the response "KeyMetadata.KeyUsage" is "GENERATE_VERIFY_MAC" [CK-1]
      And the response "KeyMetadata.Description" is "" [CK-13]

      Examples:
        | spec     |
        | HMAC_224 |
        | HMAC_256 |
        | HMAC_384 |
        | HMAC_512 |

    @CK-1 @GM-OK-2
    Scenario: A new HMAC key makes MACs right away (after the bounded wait)
      When I call CreateKey with:
        | KeySpec     | HMAC_384            |
        | KeyUsage    | GENERATE_VERIFY_MAC |
        | Description | kmsmac CK-1         |
      Then the call succeeds [CK-1]
      And I name the created key "K" [CK-1]
      And key "K" reaches state Enabled [CK-1]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_384 |
      Then the call succeeds [CK-1]
      And the response "Mac" is 48 bytes [GM-OK-2]

  Rule: KeyUsage is mandatory for HMAC keys and must be GENERATE_VERIFY_MAC

    @CK-2
    Scenario Outline: CreateKey with <spec> and no KeyUsage
      When I call CreateKey with:
        | KeySpec | <spec> |
      Then the call fails with ValidationException and message "You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys."

      Examples:
        | spec     |
        | HMAC_224 |
        | HMAC_256 |
        | HMAC_384 |
        | HMAC_512 |

    @CK-5
    Scenario Outline: CreateKey with <spec> and KeyUsage <usage> is refused
      When I call CreateKey with:
        | KeySpec  | <spec>  |
        | KeyUsage | <usage> |
      Then the call fails with ValidationException

      Examples:
        | spec     | usage           |
        | HMAC_224 | ENCRYPT_DECRYPT |
        | HMAC_256 | ENCRYPT_DECRYPT |
        | HMAC_256 | SIGN_VERIFY     |
        | HMAC_256 | KEY_AGREEMENT   |
        | HMAC_384 | SIGN_VERIFY     |
        | HMAC_512 | KEY_AGREEMENT   |

    @CK-6
    Scenario Outline: CreateKey with GENERATE_VERIFY_MAC and the non-HMAC spec <spec> is refused
      When I call CreateKey with:
        | KeySpec  | <spec>              |
        | KeyUsage | GENERATE_VERIFY_MAC |
      Then the call fails with ValidationException

      Examples:
        | spec              |
        | SYMMETRIC_DEFAULT |
        | RSA_2048          |
        | ECC_NIST_P256     |

    @CK-6
    Scenario: CreateKey with GENERATE_VERIFY_MAC and no KeySpec (so SYMMETRIC_DEFAULT) is refused
      When I call CreateKey with:
        | KeyUsage | GENERATE_VERIFY_MAC |
      Then the call fails with ValidationException

  Rule: unknown KeyUsage and KeySpec values are enum validation errors

    @CK-3 @VAL-FMT-3
    Scenario: CreateKey with KeyUsage RANDOM
      When I call CreateKey with:
        | KeySpec  | HMAC_256 |
        | KeyUsage | RANDOM   |
      Then the call fails with ValidationException [CK-3]
      And the error message contains "1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: [" [CK-3]
      And the error message's enum value set includes ENCRYPT_DECRYPT, SIGN_VERIFY, GENERATE_VERIFY_MAC [VAL-FMT-3]

    @CK-4 @VAL-FMT-1 @VAL-FMT-3
    Scenario: CreateKey with KeySpec HMAC_random
      When I call CreateKey with:
        | KeySpec  | HMAC_random         |
        | KeyUsage | GENERATE_VERIFY_MAC |
      Then the call fails with ValidationException [CK-4]
      And the error message contains "1 validation error detected: Value 'HMAC_random' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [" [CK-4, VAL-FMT-1]
      And the error message's enum value set includes RSA_2048, ECC_NIST_P384, ECC_NIST_P256, ECC_NIST_P521, HMAC_384, RSA_3072, ECC_SECG_P256K1, RSA_4096, SYMMETRIC_DEFAULT, HMAC_256, HMAC_224, HMAC_512 [VAL-FMT-3]

  Rule: the deprecated CustomerMasterKeySpec works like KeySpec

    @CK-7 @ALG-1
    Scenario Outline: CreateKey with CustomerMasterKeySpec <spec>
      When I call CreateKey with:
        | CustomerMasterKeySpec | <spec>              |
        | KeyUsage              | GENERATE_VERIFY_MAC |
      Then the call succeeds [CK-7]
      And the response "KeyMetadata.KeySpec" is "<spec>" [CK-7]
      And the response "KeyMetadata.CustomerMasterKeySpec" is "<spec>" [CK-7]
      And I name the created key "K" [CK-7]
      When I call DescribeKey for key "K"
      Then the call succeeds [CK-7]
      And the response "KeyMetadata.KeySpec" is "<spec>" [CK-7]
      And the response "KeyMetadata.CustomerMasterKeySpec" is "<spec>" [CK-7]
      And the response "KeyMetadata.MacAlgorithms" equals JSON ["<algorithm>"] [ALG-1]

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

  Rule: HMAC keys cannot live in a custom key store

    @CK-9
    Scenario Outline: CreateKey of an HMAC key with Origin <origin> is refused
      When I call CreateKey with:
        | KeySpec  | HMAC_256            |
        | KeyUsage | GENERATE_VERIFY_MAC |
        | Origin   | <origin>            |
      Then the call fails with a client error

      Examples:
        | origin             |
        | AWS_CLOUDHSM       |
        | EXTERNAL_KEY_STORE |

    @CK-9
    Scenario: CreateKey of an HMAC key in a custom key store is refused
      When I call CreateKey with:
        | KeySpec          | HMAC_256              |
        | KeyUsage         | GENERATE_VERIFY_MAC   |
        | CustomKeyStoreId | cks-1234567890abcdef0 |
      Then the call fails with a client error

  Rule: an HMAC key can be a multi-Region primary

    @CK-10 @KID-2 @MRK-1 @MRK-2 @GM-OK-2
    Scenario: CreateKey with MultiRegion makes an mrk- primary key
      When I call CreateKey with:
        | KeySpec     | HMAC_256            |
        | KeyUsage    | GENERATE_VERIFY_MAC |
        | MultiRegion | true                |
      Then the call succeeds [CK-10, MRK-1]
      And the response "KeyMetadata.MultiRegion" is true [CK-10, MRK-1]
      And the response "KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType" is "PRIMARY" [CK-10, MRK-1]
      And the response "KeyMetadata.KeyId" matches "^mrk-" [CK-10, MRK-2]
      And the response "KeyMetadata.KeyId" matches "^mrk-[0-9a-f]{32}$" [KID-2]
      And I name the created key "K" [CK-10]
      And key "K" reaches state Enabled [CK-10]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [CK-10, MRK-1]
      And the response "Mac" is 32 bytes [GM-OK-2]

  Rule: an HMAC key with Origin EXTERNAL starts without key material

    @CK-11 @IMP-15 @import
    Scenario Outline: CreateKey of an <spec> key with Origin EXTERNAL
      When I call CreateKey with:
        | KeySpec  | <spec>              |
        | KeyUsage | GENERATE_VERIFY_MAC |
        | Origin   | EXTERNAL            |
      Then the call succeeds
      And the response "KeyMetadata.KeyState" is "PendingImport" [CK-11]
      And the response "KeyMetadata.Enabled" is false [CK-11]
      And the response "KeyMetadata.Origin" is "EXTERNAL" [CK-11]
      And the response has no "KeyMetadata.ExpirationModel" [CK-11]

      Examples:
        | spec     |
        | HMAC_224 |
        | HMAC_256 |
        | HMAC_384 |
        | HMAC_512 |

  Rule: HMAC key metadata lists the one MAC algorithm and nothing of other key types

    @DK-1 @ALG-1 @shared-key
    Scenario Outline: DescribeKey of an <spec> key
      Given an <spec> key "K"
      When I call DescribeKey for key "K"
      Then the call succeeds [DK-1]
      And the response "KeyMetadata.KeyId" is "<key-id:K>" [DK-1]
      And the response "KeyMetadata.Arn" is "<key-arn:K>" [DK-1]
      And the response "KeyMetadata.AWSAccountId" is "<account>" [DK-1]
      And the response "KeyMetadata.KeyUsage" is "GENERATE_VERIFY_MAC" [DK-1]
      And the response "KeyMetadata.KeySpec" is "<spec>" [DK-1]
      And the response "KeyMetadata.CustomerMasterKeySpec" is "<spec>" [DK-1]
      And the response "KeyMetadata.MacAlgorithms" equals JSON ["<algorithm>"]
      And the response "KeyMetadata.KeyManager" is "CUSTOMER" [DK-1]
      And the response "KeyMetadata.MultiRegion" is false [DK-1]
      And the response "KeyMetadata.CreationDate" is a number [DK-1]
      And the response "KeyMetadata.Description" is a string [DK-1]
      And the response "KeyMetadata.Enabled" is true [DK-1]
      And the response "KeyMetadata.KeyState" is "Enabled" [DK-1]
      And the response "KeyMetadata.Origin" is "AWS_KMS" [DK-1]

      Examples:
        | spec     | algorithm    |
        | HMAC_224 | HMAC_SHA_224 |
        | HMAC_256 | HMAC_SHA_256 |
        | HMAC_384 | HMAC_SHA_384 |
        | HMAC_512 | HMAC_SHA_512 |

    @DK-2
    Scenario Outline: <spec> key metadata has no encryption, signing or key-agreement members
      When I call CreateKey with:
        | KeySpec  | <spec>              |
        | KeyUsage | GENERATE_VERIFY_MAC |
      Then the call succeeds
      And the response has no "KeyMetadata.EncryptionAlgorithms"
      And the response has no "KeyMetadata.SigningAlgorithms"
      And the response has no "KeyMetadata.KeyAgreementAlgorithms"
      And the response has no "KeyMetadata.CurrentKeyMaterialId"
      And I name the created key "K"
      When I call DescribeKey for key "K"
      Then the call succeeds
      And the response has no "KeyMetadata.EncryptionAlgorithms"
      And the response has no "KeyMetadata.SigningAlgorithms"
      And the response has no "KeyMetadata.KeyAgreementAlgorithms"
      And the response has no "KeyMetadata.CurrentKeyMaterialId"

      Examples:
        | spec     |
        | HMAC_224 |
        | HMAC_256 |
        | HMAC_384 |
        | HMAC_512 |

    @DK-3 @shared-key
    Scenario Outline: A <spec> key with usage <usage> has no MacAlgorithms
      Given a <spec> key "K" with usage <usage>
      When I call DescribeKey for key "K"
      Then the call succeeds
      And the response "KeyMetadata.KeyUsage" is "<usage>"
      And the response has no "KeyMetadata.MacAlgorithms"

      Examples:
        | spec              | usage           |
        | SYMMETRIC_DEFAULT | ENCRYPT_DECRYPT |
        | RSA_2048          | SIGN_VERIFY     |
        | ECC_NIST_P256     | KEY_AGREEMENT   |
