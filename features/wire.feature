Feature: Wire protocol (awsJson1_1)
  KMS speaks awsJson1_1: every call is a signed HTTP POST to "/", the operation is named by the
  X-Amz-Target header, bodies are JSON with PascalCase members and base64 blobs, and errors come
  back as HTTP 400 (500 for server faults) with the bare error name in "__type".

  Background:
    Given an HMAC_256 key "K"

  Rule: a call is a POST to / with X-Amz-Target TrentService.<Operation>

    @WIRE-1 @WIRE-3 @WIRE-7 @raw-wire @shared-key
    Scenario: A raw POST to / naming TrentService.GenerateMac runs GenerateMac
      When I send a raw TrentService.GenerateMac request with body:
        """
        {"KeyId": "<key-id:K>", "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"}
        """
      Then the call succeeds
      And the HTTP status is 200 [WIRE-7]
      And the response "MacAlgorithm" is "HMAC_SHA_256" [WIRE-3]

    @WIRE-1 @raw-wire @shared-key
    Scenario: A GET does not run an operation
      When I send an HTTP GET to "/" with headers:
        | X-Amz-Target | TrentService.ListKeys      |
        | Content-Type | application/x-amz-json-1.1 |
      Then the call fails

    @WIRE-3 @raw-wire @shared-key
    Scenario: An unknown target does not run an operation
      When I send a raw TrentService.NoSuchOperation request with body:
        """
        {}
        """
      Then the call fails

  Rule: requests and responses are application/x-amz-json-1.1

    @WIRE-2 @shared-key
    Scenario: A successful response carries the awsJson1_1 content type
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And the response header "Content-Type" is "application/x-amz-json-1.1"

    @WIRE-2 @shared-key
    Scenario: An error response carries the awsJson1_1 content type
      When I call GenerateMac with:
        | KeyId        | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | Message      | blob:hello                           |
        | MacAlgorithm | HMAC_SHA_256                         |
      Then the call fails with NotFoundException
      And the response header "Content-Type" is "application/x-amz-json-1.1"

  Rule: bodies are JSON objects with the model's PascalCase member names

    @WIRE-4 @WIRE-14 @raw-wire @shared-key
    Scenario: GenerateMac needs only KeyId, Message and MacAlgorithm and answers KeyId, Mac and MacAlgorithm
      When I send a raw GenerateMac request with body:
        """
        {"KeyId": "<key-id:K>", "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"}
        """
      Then the call succeeds
      And the response has "KeyId" [WIRE-4]
      And the response has "Mac" [WIRE-4]
      And the response has "MacAlgorithm" [WIRE-4]
      And the response has no "MacValid" [WIRE-4]
      And the response has no "keyId" [WIRE-4]
      And the response has no "mac" [WIRE-4]

    @WIRE-4 @shared-key
    Scenario: VerifyMac answers KeyId, MacValid and MacAlgorithm
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds
      And the response has "KeyId"
      And the response has "MacValid"
      And the response has "MacAlgorithm"
      And the response has no "Mac"

  Rule: blobs travel as base64 and their limits apply to the decoded bytes

    @WIRE-5 @MAC-SIZE-1 @raw-wire @shared-key
    Scenario: 4096 decoded bytes are accepted although their base64 text is 5464 characters
      When I call GenerateMac raw with:
        | KeyId        | key:K        |
        | Message      | bytes:4096   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds

    @WIRE-5 @MAC-SIZE-2 @raw-wire @shared-key
    Scenario: The base64 text of 3200 bytes sent as the blob decodes to 4268 bytes and is too long
      When I call GenerateMac raw with:
        | KeyId        | key:K             |
        | Message      | bytes:4097        |
        | MacAlgorithm | HMAC_SHA_256      |
      Then the call fails with ValidationException [MAC-SIZE-2]
      When I call GenerateMac raw with:
        | KeyId        | key:K             |
        | Message      | base64-text:3200  |
        | MacAlgorithm | HMAC_SHA_256      |
      Then the call fails with ValidationException [WIRE-5]
      And the error message is "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096" [MAC-SIZE-2]

  Rule: booleans are JSON booleans and timestamps are epoch seconds

    @WIRE-6 @shared-key
    Scenario: MacValid is a JSON boolean
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the response "MacValid" is a boolean
      And the response "MacValid" is true

    @WIRE-6 @shared-key
    Scenario: CreationDate is a JSON number of epoch seconds
      When I call DescribeKey for key "K"
      Then the call succeeds
      And the response "KeyMetadata.CreationDate" is a number
      And the response "KeyMetadata.CreationDate" is a time in epoch seconds
      And the response "KeyMetadata.Enabled" is a boolean

  Rule: errors carry the bare shape name in __type and a lower-case message

    @WIRE-8 @WIRE-9 @raw-wire @shared-key
    Scenario: NotFoundException has a bare __type and a lower-case message
      When I call GenerateMac raw with:
        | KeyId        | fake-key-id  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the response "__type" is "NotFoundException"
      And the response has "message" [WIRE-8]
      And the response has no "Message" [WIRE-8]

    @WIRE-8 @WIRE-9 @USE-1 @raw-wire @shared-key
    Scenario: InvalidKeyUsageException has a bare __type and a lower-case message
      Given a SYMMETRIC_DEFAULT key "E"
      When I call GenerateMac raw with:
        | KeyId        | key:E        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the response "__type" matches "^[A-Za-z][A-Za-z0-9]*$" [WIRE-8, WIRE-9]
      And the error code is InvalidKeyUsageException [USE-1]
      And the response has "message" [WIRE-8]

    @WIRE-10 @VM-FAIL-1 @raw-wire @shared-key
    Scenario: KMSInvalidMacException carries no message at all
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac raw with:
        | KeyId        | key:K        |
        | Message      | blob:hullo   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with KMSInvalidMacException [VM-FAIL-1]
      And the response "__type" is "KMSInvalidMacException" [WIRE-10]
      And the error has no message [WIRE-10]

  Rule: client errors use HTTP 400, never the Smithy httpError codes

    @WIRE-11 @WIRE-12 @KID-6 @shared-key
    Scenario: NotFoundException is HTTP 400, not 404
      When I call GenerateMac with:
        | KeyId        | fake-key-id  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the error code is NotFoundException [KID-6]
      And the HTTP status is 400 [WIRE-11, WIRE-12]

    # NotFoundException for a well-formed unknown key is recorded for DescribeKey only (KID-7).
    @WIRE-11 @WIRE-12 @KID-7 @unverified @shared-key
    Scenario: NotFoundException for a well-formed unknown key ID is HTTP 400, not 404
      When I call GenerateMac with:
        | KeyId        | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | Message      | blob:hello                           |
        | MacAlgorithm | HMAC_SHA_256                         |
      Then the error code is NotFoundException [KID-7]
      And the HTTP status is 400 [WIRE-11, WIRE-12]

    @WIRE-8 @WIRE-11 @WIRE-12 @STATE-2
    Scenario: DisabledException is HTTP 400, not 409, with a lower-case message
      Given key "K" is in state Disabled
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the error code is DisabledException [STATE-2]
      And the HTTP status is 400 [WIRE-11, WIRE-12]
      And the response has "message" [WIRE-8]

    @WIRE-8 @WIRE-11 @WIRE-12 @STATE-3
    Scenario: KMSInvalidStateException is HTTP 400, not 409, with a lower-case message
      Given key "K" is in state PendingDeletion
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the error code is KMSInvalidStateException [STATE-3]
      And the HTTP status is 400 [WIRE-11, WIRE-12]
      And the response has "message" [WIRE-8]

    @WIRE-11 @WIRE-12 @DRY-2 @shared-key
    Scenario: DryRunOperationException is HTTP 400, not 412
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the error code is DryRunOperationException [DRY-2]
      And the HTTP status is 400 [WIRE-11, WIRE-12]

    @WIRE-11 @MAC-ENUM-1 @VAL-FMT-4 @shared-key
    Scenario: ValidationException is HTTP 400
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_1   |
      Then the error code is ValidationException [MAC-ENUM-1]
      And the HTTP status is 400 [WIRE-11, VAL-FMT-4]

    @WIRE-11 @MAC-GT-4 @shared-key
    Scenario: InvalidGrantTokenException is HTTP 400
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | GrantTokens  | tokens:fake  |
      Then the error code is InvalidGrantTokenException [MAC-GT-4]
      And the HTTP status is 400 [WIRE-11]

  Rule: every response carries a request id

    @WIRE-13 @shared-key
    Scenario: A success carries x-amzn-RequestId
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And the response has a header "x-amzn-RequestId"

    @WIRE-13 @shared-key
    Scenario: An error carries x-amzn-RequestId
      When I call GenerateMac with:
        | KeyId        | fake-key-id  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException
      And the response has a header "x-amzn-RequestId"
