@import
Feature: Importing HMAC key material
  An HMAC key created with Origin EXTERNAL gets its material from the caller: GetParametersForImport
  gives an RSA wrapping key and an import token, the caller wraps the material with it, and
  ImportKeyMaterial makes the key Enabled. The material is fixed for the key's life: it can be
  deleted and imported again, but only the same bytes. MACs are then the RFC 2104 HMAC under
  those bytes, which the harness checks with a local HMAC.

  Rule: HMAC keys accept imported material and then MAC with it

    @IMP-1 @IMP-4 @IMP-6 @GM-OK-4
    Scenario Outline: Import <length> bytes into an <spec> key wrapped with RSAES_OAEP_SHA_256 under RSA_4096
      Given an <spec> key "K" without key material
      And key material "M" of <length> random bytes
      When I import material "M" into key "K" with:
        | WrappingAlgorithm | RSAES_OAEP_SHA_256           |
        | WrappingKeySpec   | RSA_4096                     |
        | ExpirationModel   | KEY_MATERIAL_DOES_NOT_EXPIRE |
      Then the call succeeds [IMP-1, IMP-4]
      And the response "KeyId" is "<key-arn:K>" [IMP-1, IMP-4]
      And key "K" reaches state Enabled [IMP-4, IMP-6]
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "Enabled" [IMP-6]
      And the response "KeyMetadata.Enabled" is true [IMP-6]
      And the response "KeyMetadata.ExpirationModel" is "KEY_MATERIAL_DOES_NOT_EXPIRE" [IMP-6]
      And the response has no "KeyMetadata.CurrentKeyMaterialId" [IMP-6]
      Given I compute the <algorithm> of blob:hello under the material of key "K" as "Local"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call succeeds [IMP-1, GM-OK-4]
      And I keep the response "Mac" as "Remote" [IMP-1, GM-OK-4]
      And the MACs "Local" and "Remote" are equal [GM-OK-4]

      Examples:
        | spec     | algorithm    | length |
        | HMAC_224 | HMAC_SHA_224 | 28     |
        | HMAC_256 | HMAC_SHA_256 | 32     |
        | HMAC_384 | HMAC_SHA_384 | 48     |
        | HMAC_512 | HMAC_SHA_512 | 64     |

    @IMP-1 @VM-OK-3 @unverified
    Scenario Outline: A MAC computed locally over the imported <spec> material verifies
      Given an <spec> key "K" with imported material of <length> bytes
      And I compute the <algorithm> of blob:hello under the material of key "K" as "Local"
      When I call VerifyMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
        | Mac          | mac:Local   |
      Then the call succeeds [VM-OK-3]
      And the response "MacValid" is true [VM-OK-3]

      Examples:
        | spec     | algorithm    | length |
        | HMAC_224 | HMAC_SHA_224 | 28     |
        | HMAC_512 | HMAC_SHA_512 | 64     |

  Rule: GetParametersForImport needs an EXTERNAL key and returns a wrapping key for 24 hours

    @IMP-2 @recorded-part
    Scenario: GetParametersForImport on a symmetric encryption key with AWS-generated material
      Given a SYMMETRIC_DEFAULT key "K"
      When I call GetParametersForImport with:
        | KeyId             | key:K              |
        | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
        | WrappingKeySpec   | RSA_2048           |
      Then the call fails with UnsupportedOperationException and message "<key-arn> origin is AWS_KMS which is not valid for this operation."

    # Recorded for a symmetric key only: for an HMAC key the answer is inferred (IMP-2).
    @IMP-2 @unverified
    Scenario: GetParametersForImport on an HMAC key with AWS-generated material
      Given an HMAC_256 key "K"
      When I call GetParametersForImport with:
        | KeyId             | key:K              |
        | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
        | WrappingKeySpec   | RSA_2048           |
      Then the call fails with UnsupportedOperationException and message "<key-arn> origin is AWS_KMS which is not valid for this operation."

    @IMP-3
    Scenario Outline: GetParametersForImport returns the key ARN, a token and an <bits>-bit RSA wrapping key
      Given an HMAC_256 key "K" without key material
      When I call GetParametersForImport with:
        | KeyId             | key:K              |
        | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
        | WrappingKeySpec   | <wrapping-spec>    |
      Then the call succeeds
      And the response "KeyId" is "<key-arn:K>"
      And the response "ImportToken" is a string
      And the response "PublicKey" is an RSA public key of <bits> bits
      And the response "ParametersValidTo" is about 24 hours from now

      Examples:
        | wrapping-spec | bits |
        | RSA_2048      | 2048 |
        | RSA_4096      | 4096 |

  Rule: the RSAES_OAEP wrapping algorithms and RSA wrapping key sizes work for HMAC material

    @IMP-5
    Scenario Outline: Material wrapped with <algorithm> under <wrapping-spec> imports
      Given an HMAC_256 key "K" without key material
      And key material "M" of 32 random bytes
      When I import material "M" into key "K" with:
        | WrappingAlgorithm | <algorithm>                  |
        | WrappingKeySpec   | <wrapping-spec>              |
        | ExpirationModel   | KEY_MATERIAL_DOES_NOT_EXPIRE |
      Then the call succeeds
      And key "K" reaches state Enabled
      Given I compute the HMAC_SHA_256 of blob:hello under the material of key "K" as "Local"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:Local    |
      Then the call succeeds

      Examples:
        | algorithm          | wrapping-spec |
        | RSAES_OAEP_SHA_1   | RSA_2048      |
        | RSAES_OAEP_SHA_256 | RSA_2048      |
        | RSAES_OAEP_SHA_256 | RSA_3072      |

    # RSA_AES_KEY_WRAP_* for HMAC material is AMB-6 (documented for RSA and ECC material only);
    # IMP-5 is documented (D), so nothing is asserted about it here.

    @IMP-5
    Scenario: GetParametersForImport refuses RSAES_PKCS1_V1_5, withdrawn in 2023
      Given an HMAC_256 key "K" without key material
      When I call GetParametersForImport with:
        | KeyId             | key:K            |
        | WrappingAlgorithm | RSAES_PKCS1_V1_5 |
        | WrappingKeySpec   | RSA_2048         |
      Then the call fails with a client error

  Rule: imported material expires by default, so ValidTo is needed unless it never expires

    @IMP-7
    Scenario: ImportKeyMaterial with neither ExpirationModel nor ValidTo
      Given an HMAC_256 key "K" without key material
      And key material "M" of 32 random bytes
      When I import material "M" into key "K" with:
        | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
      Then the call fails with ValidationException and message "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES"
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "PendingImport"

    @IMP-7 @DK-4
    Scenario: Material that expires in 30 days shows ExpirationModel and ValidTo
      Given an HMAC_512 key "K" without key material
      And key material "M" of 64 random bytes
      When I import material "M" into key "K" with:
        | ExpirationModel | KEY_MATERIAL_EXPIRES |
        | ValidTo         | now+30d              |
      Then the call succeeds [IMP-7]
      And key "K" reaches state Enabled [IMP-7]
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.ExpirationModel" is "KEY_MATERIAL_EXPIRES" [DK-4]
      And the response "KeyMetadata.ValidTo" is a number [DK-4]
      And the response "KeyMetadata.ValidTo" is about 720 hours from now [DK-4]

    @IMP-7
    Scenario Outline: ImportKeyMaterial refuses a ValidTo <when>
      Given an HMAC_256 key "K" without key material
      And key material "M" of 32 random bytes
      When I import material "M" into key "K" with:
        | ExpirationModel | KEY_MATERIAL_EXPIRES |
        | ValidTo         | <valid-to>           |
      Then the call fails with a client error
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "PendingImport"

      Examples:
        | when                     | valid-to |
        | in the past              | now-1d   |
        | more than 365 days ahead | now+400d |

    @DK-4
    Scenario: Material that never expires shows no ValidTo
      Given an HMAC_256 key "K" with imported material of 32 bytes
      When I call DescribeKey for key "K"
      Then the call succeeds
      And the response "KeyMetadata.ExpirationModel" is "KEY_MATERIAL_DOES_NOT_EXPIRE"
      And the response has no "KeyMetadata.ValidTo"

  Rule: deleting or expiring the material sends the key back to PendingImport

    @IMP-8 @DK-4
    Scenario Outline: DeleteImportedKeyMaterial on an <spec> key
      Given an <spec> key "K" with imported material of <length> bytes
      When I call DeleteImportedKeyMaterial for key "K"
      Then the call succeeds [IMP-8]
      And key "K" reaches state PendingImport [IMP-8]
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "PendingImport" [IMP-8]
      And the response "KeyMetadata.Enabled" is false [IMP-8]
      And the response has no "KeyMetadata.ExpirationModel"

      Examples:
        | spec     | length |
        | HMAC_224 | 28     |
        | HMAC_256 | 32     |
        | HMAC_384 | 48     |
        | HMAC_512 | 64     |

    @IMP-9 @reference-only
    Scenario: Expired material puts the key in PendingImport
      Given an HMAC_256 key "K" without key material
      And key material "M" of 32 random bytes
      When I import material "M" into key "K" with:
        | ExpirationModel | KEY_MATERIAL_EXPIRES |
        | ValidTo         | now+1d               |
      Then the call succeeds
      And key "K" reaches state Enabled
      When I call KmsmacReference.ExpireKeyMaterial raw with:
        | KeyId | key:K |
      Then the call succeeds
      And key "K" reaches state PendingImport
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "PendingImport"
      And the response "KeyMetadata.Enabled" is false

  Rule: the material is fixed for the key's life; only the same bytes can be imported again

    @IMP-10
    Scenario: Importing different material after deleting the first is refused
      Given an HMAC_256 key "K" without key material
      And key material "First" of 32 random bytes
      And key material "Other" of 32 random bytes
      When I import material "First" into key "K"
      Then the call succeeds
      And key "K" reaches state Enabled
      When I call DeleteImportedKeyMaterial for key "K"
      Then the call succeeds
      When I import material "Other" into key "K"
      Then the call fails with IncorrectKeyMaterialException
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "PendingImport"

    @IMP-10
    Scenario: Importing different material into a key that has material is refused
      Given an HMAC_384 key "K" without key material
      And key material "First" of 48 random bytes
      And key material "Other" of 48 random bytes
      When I import material "First" into key "K"
      Then the call succeeds
      And key "K" reaches state Enabled
      When I import material "Other" into key "K"
      Then the call fails with IncorrectKeyMaterialException

    @IMP-11 @unverified
    Scenario: Re-importing the same material restores the key and its MACs
      Given an HMAC_256 key "K" without key material
      And key material "M" of 32 random bytes
      When I import material "M" into key "K"
      Then the call succeeds
      And key "K" reaches state Enabled
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "Before"
      When I call DeleteImportedKeyMaterial for key "K"
      Then the call succeeds
      And key "K" reaches state PendingImport
      When I import material "M" into key "K"
      Then the call succeeds
      And key "K" reaches state Enabled
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:Before   |
      Then the call succeeds
      And the response "MacValid" is true
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And I keep the response "Mac" as "After"
      And the MACs "Before" and "After" are equal

  Rule: the material must fit the key spec

    @IMP-12 @recorded-part
    Scenario Outline: Material of the digest length (<length> bytes) imports into an <spec> key
      Given an <spec> key "K" without key material
      And key material "M" of <length> random bytes
      When I import material "M" into key "K"
      Then the call succeeds

      Examples:
        | spec     | length |
        | HMAC_224 | 28     |
        | HMAC_256 | 32     |
        | HMAC_384 | 48     |
        | HMAC_512 | 64     |

    @IMP-12 @unverified
    Scenario Outline: Material of <length> bytes, inside the range, imports into an <spec> key
      Given an <spec> key "K" without key material
      And key material "M" of <length> random bytes
      When I import material "M" into key "K"
      Then the call succeeds
      And key "K" reaches state Enabled
      Given I compute the <algorithm> of blob:hello under the material of key "K" as "Local"
      When I call GenerateMac with:
        | KeyId        | key:K       |
        | Message      | blob:hello  |
        | MacAlgorithm | <algorithm> |
      Then the call succeeds
      And I keep the response "Mac" as "Remote"
      And the MACs "Local" and "Remote" are equal

      Examples:
        | spec     | algorithm    | length |
        | HMAC_224 | HMAC_SHA_224 | 64     |
        | HMAC_256 | HMAC_SHA_256 | 64     |
        | HMAC_384 | HMAC_SHA_384 | 128    |
        | HMAC_512 | HMAC_SHA_512 | 128    |

    @IMP-12 @unverified
    Scenario Outline: Material of <length> bytes, outside the range, is refused by an <spec> key
      Given an <spec> key "K" without key material
      And key material "M" of <length> random bytes
      When I import material "M" into key "K"
      Then the call fails with a client error
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "PendingImport"

      Examples:
        | spec     | length |
        | HMAC_224 | 27     |
        | HMAC_224 | 65     |
        | HMAC_256 | 31     |
        | HMAC_256 | 65     |
        | HMAC_384 | 47     |
        | HMAC_384 | 129    |
        | HMAC_512 | 63     |
        | HMAC_512 | 129    |

  Rule: the import operations take a key ID or key ARN, never an alias

    @IMP-14
    Scenario: GetParametersForImport accepts the key ARN
      Given an HMAC_256 key "K" without key material
      When I call GetParametersForImport with:
        | KeyId             | key-arn:K          |
        | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
        | WrappingKeySpec   | RSA_2048           |
      Then the call succeeds
      And the response "KeyId" is "<key-arn:K>"

    @IMP-14 @aliases
    Scenario Outline: GetParametersForImport refuses the key's alias <form>
      Given an HMAC_256 key "K" without key material
      And an alias "A" for key "K"
      When I call GetParametersForImport with:
        | KeyId             | <form>             |
        | WrappingAlgorithm | RSAES_OAEP_SHA_256 |
        | WrappingKeySpec   | RSA_2048           |
      Then the call fails with a client error

      Examples:
        | form        |
        | alias:A     |
        | alias-arn:A |

    @IMP-14 @aliases
    Scenario: ImportKeyMaterial refuses the key's alias
      Given an HMAC_256 key "K" without key material
      And an alias "A" for key "K"
      And key material "M" of 32 random bytes
      When I import material "M" into key "K" with:
        | KeyId           | alias:A                      |
        | ExpirationModel | KEY_MATERIAL_DOES_NOT_EXPIRE |
      Then the call fails with a client error
      When I call DescribeKey for key "K"
      Then the response "KeyMetadata.KeyState" is "PendingImport"
