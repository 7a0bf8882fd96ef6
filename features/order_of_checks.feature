Feature: Order of checks
  When a request has several faults, KMS reports the first in this order: framework validation
  (required members, lengths, enum values), then key resolution, then key usage, then the
  algorithm against the key spec, then the MAC comparison. Each scenario below combines two
  faults and expects the earlier one.

  Rule: validation comes before any key lookup

    @ORD-1 @MAC-ENUM-2 @recorded-part @shared-key
    Scenario: An unknown algorithm on a valid HMAC key is a validation error
      Given an HMAC_256 key "K"
      When I call GenerateMac with:
        | KeyId        | key:K      |
        | Message      | blob:hello |
        | MacAlgorithm | INVALID    |
      Then the call fails with ValidationException

    @ORD-1 @unverified
    Scenario: An unknown algorithm and a missing key give a validation error
      When I call GenerateMac with:
        | KeyId        | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | Message      | blob:hello                           |
        | MacAlgorithm | INVALID                              |
      Then the call fails with ValidationException

    # MAC-SIZE-2's code is checked hard in parameters.feature; only the order with a missing key is inferred.
    @ORD-1 @unverified
    Scenario: A 4097-byte message and a missing key give a validation error
      When I call GenerateMac with:
        | KeyId        | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | Message      | bytes:4097                           |
        | MacAlgorithm | HMAC_SHA_256                         |
      Then the call fails with ValidationException

  Rule: key resolution comes before usage and algorithm checks

    @ORD-2 @KID-6
    Scenario: A malformed key id with a valid algorithm is not found
      When I call VerifyMac with:
        | KeyId        | fake-key-id  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
        | Mac          | bytes:64     |
      Then the call fails with NotFoundException
      And the error message is "Invalid keyId 'fake-key-id'" [KID-6]

  Rule: key usage comes before the algorithm check

    @ORD-3 @USE-1 @shared-key
    Scenario: A symmetric key with HMAC_SHA_224 reports the usage, not the algorithm
      Given a SYMMETRIC_DEFAULT key "E"
      When I call GenerateMac with:
        | KeyId        | key:E        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_224 |
      Then the call fails [ORD-3]
      And the error message does not contain "incompatible" [ORD-3]
      And the error code is InvalidKeyUsageException [USE-1]
      And the HTTP status is 400 [USE-1]
      And the error message is "<key-arn:E> key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac." [USE-1]

  Rule: the algorithm check comes before the MAC comparison

    @ORD-4 @ALG-3 @shared-key
    Scenario: A wrong algorithm and a wrong MAC report the algorithm
      Given an HMAC_256 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
        | Mac          | mac:T        |
      Then the call fails with InvalidKeyUsageException and message "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256." [ALG-3]
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_512 |
        | Mac          | bytes:64     |
      Then the call fails with InvalidKeyUsageException [ORD-4]
      And the error message is "Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256." [ALG-3]
