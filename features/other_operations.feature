Feature: Other operations with HMAC keys
  An HMAC key does nothing but GenerateMac and VerifyMac. Signing, encryption and data-key
  operations refuse it on usage ("<key-arn> key usage is GENERATE_VERIFY_MAC which is not valid
  for <Operation>."), Decrypt and ReEncrypt call it the incorrect key, and it has no public key.

  Rule: operations of other key usages fail on usage, naming the operation

    @XOP-1 @KID-12 @shared-key
    Scenario: Sign with an HMAC key is an InvalidKeyUsageException
      Given an HMAC_256 key "K"
      When I call Sign with:
        | KeyId            | key:K              |
        | Message          | blob:hello         |
        | SigningAlgorithm | RSASSA_PSS_SHA_256 |
      Then the call fails with InvalidKeyUsageException [XOP-1]
      And the error message contains "<key-arn> " [KID-12]
      And the error message is "<key-arn> key usage is GENERATE_VERIFY_MAC which is not valid for Sign." [XOP-1]

    @XOP-2 @unverified @shared-key
    Scenario Outline: <operation> with an HMAC key is an InvalidKeyUsageException
      Given an HMAC_384 key "K"
      When I call <operation> with:
        | KeyId    | key:K   |
        | <member> | <value> |
      Then the call fails with InvalidKeyUsageException and message "<key-arn> key usage is GENERATE_VERIFY_MAC which is not valid for <operation>."

      Examples:
        | operation                           | member      | value      |
        | Encrypt                             | Plaintext   | blob:hello |
        | GenerateDataKey                     | KeySpec     | AES_256    |
        | GenerateDataKeyWithoutPlaintext     | KeySpec     | AES_256    |
        | GenerateDataKeyPair                 | KeyPairSpec | RSA_2048   |
        | GenerateDataKeyPairWithoutPlaintext | KeyPairSpec | RSA_2048   |

    @XOP-2 @unverified @shared-key
    Scenario: Verify with an HMAC key is an InvalidKeyUsageException
      Given an HMAC_512 key "K"
      When I call Verify with:
        | KeyId            | key:K              |
        | Message          | blob:hello         |
        | Signature        | bytes:256          |
        | SigningAlgorithm | RSASSA_PSS_SHA_256 |
      Then the call fails with InvalidKeyUsageException and message "<key-arn> key usage is GENERATE_VERIFY_MAC which is not valid for Verify."

  Rule: Decrypt and ReEncrypt call an HMAC key the incorrect key

    @XOP-3 @WIRE-8 @shared-key
    Scenario: Decrypt of another key's ciphertext naming an HMAC key is an IncorrectKeyException
      Given an HMAC_256 key "K"
      And a SYMMETRIC_DEFAULT key "E"
      And a ciphertext "C" of "plaintext" under key "E", or opaque bytes if the endpoint cannot encrypt
      When I call Decrypt on ciphertext "C" with:
        | KeyId | key:K |
      Then the call fails with IncorrectKeyException and message "The key ID in the request does not identify a CMK that can perform this operation." [XOP-3]
      And the response has "message" [WIRE-8]

    @XOP-4 @shared-key
    Scenario: ReEncrypt from an HMAC source key is an IncorrectKeyException
      Given an HMAC_256 key "K"
      And a SYMMETRIC_DEFAULT key "E"
      And a ciphertext "C" of "plaintext" under key "E", or opaque bytes if the endpoint cannot encrypt
      When I call ReEncrypt on ciphertext "C" with:
        | SourceKeyId      | key:K |
        | DestinationKeyId | key:E |
      Then the call fails with IncorrectKeyException and message "The key ID in the request does not identify a CMK that can perform this operation."

  Rule: an HMAC key has no public key

    @XOP-5 @recorded-part @shared-key
    Scenario Outline: GetPublicKey on an <spec> key fails with HTTP 400
      Given an <spec> key "K"
      When I call GetPublicKey for key "K"
      Then the call fails
      And the HTTP status is 400
      And the response has no "PublicKey"

      Examples:
        | spec     |
        | HMAC_224 |
        | HMAC_512 |

    # The error code is not recorded: either documented code is accepted, softly.
    @XOP-5 @unverified @shared-key
    Scenario Outline: GetPublicKey on an <spec> key names one of the documented codes
      Given an <spec> key "K"
      When I call GetPublicKey for key "K"
      Then the call fails with one of UnsupportedOperationException, InvalidKeyUsageException

      Examples:
        | spec     |
        | HMAC_224 |
        | HMAC_512 |
