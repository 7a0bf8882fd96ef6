Feature: Wire protocol (awsJson1_1)
  KMS speaks awsJson1_1: every call is a signed HTTP POST to "/", the operation is named by the
  X-Amz-Target header, bodies are JSON with PascalCase members and base64 blobs, and errors come
  back as HTTP 400 (500 for server faults) with the bare error name in "__type".

  Background:
    Given an HMAC_256 key "K"

  Rule: a call is a POST to / with X-Amz-Target TrentService.<Operation>

    @WIRE-1 @WIRE-3 @WIRE-7
    Scenario: A raw POST to / naming TrentService.GenerateMac runs GenerateMac
      When I send a raw TrentService.GenerateMac request with body:
        """
        {"KeyId": "<key-id:K>", "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"}
        """
      Then the call succeeds
      And the HTTP status is 200
      And the response "MacAlgorithm" is "HMAC_SHA_256"

    @WIRE-1
    Scenario: A GET does not run an operation
      When I send an HTTP GET to "/" with headers:
        | X-Amz-Target | TrentService.ListKeys      |
        | Content-Type | application/x-amz-json-1.1 |
      Then the call fails

    @WIRE-3
    Scenario: An unknown target does not run an operation
      When I send a raw TrentService.NoSuchOperation request with body:
        """
        {}
        """
      Then the call fails

    # The error code for an unknown target is not recorded.
    @WIRE-3 @unverified
    Scenario: An unknown target is an unknown operation
      When I send a raw TrentService.NoSuchOperation request with body:
        """
        {}
        """
      Then the call fails with UnknownOperationException

  Rule: requests and responses are application/x-amz-json-1.1

    @WIRE-2
    Scenario: A successful response carries the awsJson1_1 content type
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And the response header "Content-Type" is "application/x-amz-json-1.1"

    @WIRE-2
    Scenario: An error response carries the awsJson1_1 content type
      When I call GenerateMac with:
        | KeyId        | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | Message      | blob:hello                           |
        | MacAlgorithm | HMAC_SHA_256                         |
      Then the call fails with NotFoundException
      And the response header "Content-Type" is "application/x-amz-json-1.1"

  Rule: bodies are JSON objects with the model's PascalCase member names

    @WIRE-4 @WIRE-14
    Scenario: GenerateMac needs only KeyId, Message and MacAlgorithm and answers KeyId, Mac and MacAlgorithm
      When I send a raw GenerateMac request with body:
        """
        {"KeyId": "<key-id:K>", "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"}
        """
      Then the call succeeds
      And the response has "KeyId"
      And the response has "Mac"
      And the response has "MacAlgorithm"
      And the response has no "MacValid"
      And the response has no "keyId"
      And the response has no "mac"

    @WIRE-4
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

    @WIRE-5 @MAC-SIZE-1
    Scenario: 4096 decoded bytes are accepted although their base64 text is 5464 characters
      When I call GenerateMac raw with:
        | KeyId        | key:K        |
        | Message      | bytes:4096   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds

    @WIRE-5 @MAC-SIZE-2
    Scenario: The base64 text of 3200 bytes sent as the blob decodes to 4268 bytes and is too long
      When I call GenerateMac raw with:
        | KeyId        | key:K             |
        | Message      | base64-text:3200  |
        | MacAlgorithm | HMAC_SHA_256      |
      Then the call fails with ValidationException
      And the error message is "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096"

  Rule: booleans are JSON booleans and timestamps are epoch seconds

    @WIRE-6
    Scenario: MacValid is a JSON boolean
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the response "MacValid" is a boolean
      And the response "MacValid" is true

    @WIRE-6
    Scenario: CreationDate is a JSON number of epoch seconds
      When I call DescribeKey for key "K"
      Then the call succeeds
      And the response "KeyMetadata.CreationDate" is a number
      And the response "KeyMetadata.Enabled" is a boolean

  Rule: errors carry the bare shape name in __type and a lower-case message

    @WIRE-8 @WIRE-9
    Scenario: NotFoundException has a bare __type and a lower-case message
      When I call GenerateMac raw with:
        | KeyId        | fake-key-id  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the response "__type" is "NotFoundException"
      And the response has "message"
      And the response has no "Message"

    @WIRE-8 @WIRE-9
    Scenario: InvalidKeyUsageException has a bare __type and a lower-case message
      Given a SYMMETRIC_DEFAULT key "E"
      When I call GenerateMac raw with:
        | KeyId        | key:E        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the response "__type" is "InvalidKeyUsageException"
      And the response has "message"

    @WIRE-10 @VM-FAIL-1
    Scenario: KMSInvalidMacException carries no message at all
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac raw with:
        | KeyId        | key:K        |
        | Message      | blob:hullo   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with KMSInvalidMacException and no message
      And the response "__type" is "KMSInvalidMacException"

  Rule: client errors use HTTP 400, never the Smithy httpError codes

    @WIRE-11 @WIRE-12 @KID-6
    Scenario: NotFoundException is HTTP 400, not 404
      When I call GenerateMac with:
        | KeyId        | fake-key-id  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException
      And the HTTP status is 400

    # NotFoundException for a well-formed unknown key is recorded for DescribeKey only (KID-7).
    @WIRE-11 @WIRE-12 @KID-7 @unverified
    Scenario: NotFoundException for a well-formed unknown key ID is HTTP 400, not 404
      When I call GenerateMac with:
        | KeyId        | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | Message      | blob:hello                           |
        | MacAlgorithm | HMAC_SHA_256                         |
      Then the call fails with NotFoundException
      And the HTTP status is 400

    @WIRE-8 @WIRE-11 @WIRE-12 @STATE-2
    Scenario: DisabledException is HTTP 400, not 409, with a lower-case message
      Given key "K" is in state Disabled
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with DisabledException
      And the HTTP status is 400
      And the response has "message"

    @WIRE-8 @WIRE-11 @WIRE-12 @STATE-3
    Scenario: KMSInvalidStateException is HTTP 400, not 409, with a lower-case message
      Given key "K" is in state PendingDeletion
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with KMSInvalidStateException
      And the HTTP status is 400
      And the response has "message"

    @WIRE-11 @WIRE-12 @DRY-2
    Scenario: DryRunOperationException is HTTP 400, not 412
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with DryRunOperationException
      And the HTTP status is 400

    @WIRE-11 @MAC-ENUM-1 @VAL-FMT-4
    Scenario: ValidationException is HTTP 400
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_1   |
      Then the call fails with ValidationException
      And the HTTP status is 400

    @WIRE-11 @MAC-GT-4
    Scenario: InvalidGrantTokenException is HTTP 400
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | GrantTokens  | tokens:fake  |
      Then the call fails with InvalidGrantTokenException
      And the HTTP status is 400

  Rule: every response carries a request id

    @WIRE-13
    Scenario: A success carries x-amzn-RequestId
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And the response has a header "x-amzn-RequestId"

    @WIRE-13
    Scenario: An error carries x-amzn-RequestId
      When I call GenerateMac with:
        | KeyId        | fake-key-id  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException
      And the response has a header "x-amzn-RequestId"
