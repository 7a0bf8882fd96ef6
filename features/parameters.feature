Feature: Request parameters of GenerateMac and VerifyMac
  The framework checks every member against the model before it looks at any key: KeyId 1..2048
  characters, Message 1..4096 bytes, Mac 1..6144 bytes, MacAlgorithm one of four values,
  GrantTokens at most 10 of 1..8192 characters. A violation is an HTTP 400 ValidationException
  whose message follows "N validation error(s) detected: Value ... at '<member>' failed to
  satisfy constraint: ...", with lower-camel member names.

  Background:
    Given an HMAC_256 key "K"
    And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"

  Rule: required members must be present

    @MAC-REQ-1 @VAL-FMT-4 @WIRE-11 @raw-wire @shared-key
    Scenario Outline: GenerateMac without <member> is a validation error
      When I send a raw GenerateMac request with body:
        """
        <body>
        """
      Then the HTTP status is 400 [MAC-REQ-1, VAL-FMT-4, WIRE-11]
      And the error code is ValidationException [MAC-REQ-1]
      And the error message is "1 validation error detected: Value null at '<member>' failed to satisfy constraint: Member must not be null" [MAC-REQ-1]

      Examples:
        | member       | body                                                            |
        | keyId        | {"Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"}         |
        | message      | {"KeyId": "<key-id:K>", "MacAlgorithm": "HMAC_SHA_256"}         |
        | macAlgorithm | {"KeyId": "<key-id:K>", "Message": "aGVsbG8="}                  |

    @MAC-REQ-2 @VAL-FMT-4 @WIRE-11 @raw-wire @shared-key
    Scenario Outline: VerifyMac without <member> is a validation error
      When I send a raw VerifyMac request with body:
        """
        <body>
        """
      Then the HTTP status is 400 [MAC-REQ-2, VAL-FMT-4, WIRE-11]
      And the error code is ValidationException [MAC-REQ-2]
      And the error message is "1 validation error detected: Value null at '<member>' failed to satisfy constraint: Member must not be null" [MAC-REQ-2]

      Examples:
        | member       | body                                                                                           |
        | keyId        | {"Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256", "Mac": "AAAA"}                         |
        | message      | {"KeyId": "<key-id:K>", "MacAlgorithm": "HMAC_SHA_256", "Mac": "AAAA"}                         |
        | macAlgorithm | {"KeyId": "<key-id:K>", "Message": "aGVsbG8=", "Mac": "AAAA"}                                  |
        | mac          | {"KeyId": "<key-id:K>", "Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_256"}                 |

    @MAC-REQ-3 @unverified @raw-wire @shared-key
    Scenario: Several violations are reported together
      When I send a raw GenerateMac request with body:
        """
        {"Message": "aGVsbG8=", "MacAlgorithm": "HMAC_SHA_1"}
        """
      Then the call fails with ValidationException
      And the error message contains "2 validation errors detected: "
      And the error message contains "Value null at 'keyId' failed to satisfy constraint: Member must not be null"
      And the error message contains "Value 'HMAC_SHA_1' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: ["

  Rule: Message is 1 to 4096 bytes

    @MAC-SIZE-1 @MAC-GT-1 @MAC-DRY-1 @raw-wire @shared-key
    Scenario Outline: A Message of <size> bytes is accepted by <algorithm>, with an empty GrantTokens and DryRun false
      Given an <spec> key "M"
      When I call GenerateMac raw with:
        | KeyId        | key:M        |
        | Message      | bytes:<size> |
        | MacAlgorithm | <algorithm>  |
        | GrantTokens  | json:[]      |
        | DryRun       | false        |
      Then the call succeeds

      Examples:
        | spec     | algorithm    | size |
        | HMAC_224 | HMAC_SHA_224 | 1    |
        | HMAC_224 | HMAC_SHA_224 | 4096 |
        | HMAC_256 | HMAC_SHA_256 | 1    |
        | HMAC_256 | HMAC_SHA_256 | 4096 |
        | HMAC_384 | HMAC_SHA_384 | 1    |
        | HMAC_384 | HMAC_SHA_384 | 4096 |
        | HMAC_512 | HMAC_SHA_512 | 1    |
        | HMAC_512 | HMAC_SHA_512 | 4096 |

    @MAC-SIZE-1 @VM-OK-1 @shared-key
    Scenario: VerifyMac accepts a 4096-byte Message
      Given I generate a MAC of 4096 bytes with key "K" and HMAC_SHA_256 as "B"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | bytes:4096   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:B        |
      Then the call succeeds
      And the response "MacValid" is true [VM-OK-1]

    @MAC-SIZE-2 @VAL-FMT-2 @VAL-FMT-1 @shared-key
    Scenario: VerifyMac rejects a Message of 4097 bytes without showing its value
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | bytes:4097   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with ValidationException [MAC-SIZE-2]
      And the error message contains "Value at 'message' failed to satisfy constraint" [VAL-FMT-2]
      And the error message is "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096"

    @MAC-SIZE-2 @VAL-FMT-2 @shared-key
    Scenario: GenerateMac rejects a Message of 4097 bytes
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | bytes:4097   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ValidationException [MAC-SIZE-2]
      And the error message is "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096"

    @MAC-SIZE-3 @raw-wire @shared-key
    Scenario: VerifyMac rejects an empty Message
      When I call VerifyMac raw with:
        | KeyId        | key:K        |
        | Message      |              |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with ValidationException
      And the error message is "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length greater than or equal to 1"

    @MAC-SIZE-3 @raw-wire @shared-key
    Scenario: GenerateMac rejects an empty Message
      When I call GenerateMac raw with:
        | KeyId        | key:K        |
        | Message      |              |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ValidationException
      And the error message is "1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length greater than or equal to 1"

  Rule: KeyId is 1 to 2048 characters

    @MAC-SIZE-4 @VAL-FMT-1 @raw-wire @shared-key
    Scenario: An empty KeyId is a validation error, not NotFound
      When I call GenerateMac raw with:
        | KeyId        |              |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ValidationException [MAC-SIZE-4]
      And the error message is "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1"

    @MAC-SIZE-5 @shared-key
    Scenario: A KeyId of 2048 characters passes validation and is then not found
      When I call GenerateMac with:
        | KeyId        | chars:2048   |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException

    @KID-6 @shared-key
    Scenario: A malformed KeyId of 2048 characters is quoted whole in the NotFoundException
      When I call GenerateMac with:
        | KeyId        | chars:2048   |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException
      And the error message quotes the request's "KeyId" as "Invalid keyId '<value>'"

    @MAC-SIZE-5 @shared-key
    Scenario: A KeyId of 2049 characters is a validation error
      When I call GenerateMac with:
        | KeyId        | chars:2049   |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ValidationException
      And the error message contains "at 'keyId' failed to satisfy constraint: Member must have length less than or equal to 2048"

  Rule: Mac is 1 to 6144 bytes

    @VM-SIZE-1 @VM-FAIL-2 @shared-key
    Scenario Outline: A wrong Mac of <size> bytes passes validation and fails the comparison
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:<size> |
      Then the error code is not ValidationException [VM-SIZE-1]
      And the call fails with KMSInvalidMacException [VM-FAIL-2]

      Examples:
        | size |
        | 1    |
        | 6144 |

    @VM-SIZE-2 @VM-FAIL-5 @shared-key
    Scenario: A Mac of 6145 bytes is a validation error
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:6145   |
      Then the call fails with ValidationException
      And the error message contains "at 'mac' failed to satisfy constraint: Member must have length less than or equal to 6144" [VM-SIZE-2]
      And the error message is "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=6145 cap=6145]' at 'mac' failed to satisfy constraint: Member must have length less than or equal to 6144" [VM-SIZE-2]

    @VM-SIZE-3 @VM-FAIL-5 @raw-wire @shared-key
    Scenario: An empty Mac is a validation error, not a MAC mismatch
      When I call VerifyMac raw with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          |              |
      Then the call fails with ValidationException
      And the error message contains "at 'mac' failed to satisfy constraint: Member must have length greater than or equal to 1" [VM-SIZE-3]

  Rule: MacAlgorithm is one of four case-sensitive values, whatever the key

    @MAC-ENUM-1 @MAC-ENUM-2 @VAL-FMT-1 @VAL-FMT-3 @VAL-FMT-4 @shared-key
    Scenario Outline: <operation> with MacAlgorithm "<value>" is an enum error on a valid HMAC key
      When I call <operation> with:
        | KeyId        | key:K   |
        | Message      | blob:hello |
        | MacAlgorithm | <value> |
        | Mac          | mac:T   |
      Then the error code is ValidationException [MAC-ENUM-1, MAC-ENUM-2]
      And the HTTP status is 400 [MAC-ENUM-1, VAL-FMT-4]
      And the error message is "1 validation error detected: Value '<value>' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]" [MAC-ENUM-1, VAL-FMT-1]
      And the error message's enum value set includes HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512 [VAL-FMT-3]

      Examples:
        | operation | value        |
        | VerifyMac | INVALID      |
        | VerifyMac | hmac_sha_256 |
        | VerifyMac | HMAC_SHA_1   |

    @MAC-ENUM-1 @MAC-ENUM-2 @VAL-FMT-1 @VAL-FMT-3 @shared-key
    Scenario Outline: GenerateMac with MacAlgorithm "<value>" is an enum error on a valid HMAC key
      When I call GenerateMac with:
        | KeyId        | key:K      |
        | Message      | blob:hello |
        | MacAlgorithm | <value>    |
      Then the call fails with ValidationException [MAC-ENUM-1, MAC-ENUM-2]
      And the error message is "1 validation error detected: Value '<value>' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [HMAC_SHA_384, HMAC_SHA_256, HMAC_SHA_224, HMAC_SHA_512]" [MAC-ENUM-1, VAL-FMT-1]
      And the error message's enum value set includes HMAC_SHA_224, HMAC_SHA_256, HMAC_SHA_384, HMAC_SHA_512 [VAL-FMT-3]

      Examples:
        | value        |
        | INVALID      |
        | hmac_sha_256 |
        | HMAC_SHA_1   |
        | SHA_256      |

  Rule: GrantTokens holds at most 10 tokens of 1 to 8192 characters

    @MAC-GT-1 @shared-key
    Scenario: An empty GrantTokens list is the same as none
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | GrantTokens  | json:[]      |
      Then the call succeeds
      And the response "Mac" is 32 bytes
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
        | GrantTokens  | json:[]      |
      Then the call succeeds
      And the response "MacValid" is true

    # Equal bytes rest on determinism, which is inferred (GM-OK-3).
    @MAC-GT-1 @GM-OK-3 @unverified @shared-key
    Scenario: An empty GrantTokens list gives the same MAC as none
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | GrantTokens  | json:[]      |
      Then the call succeeds [MAC-GT-1]
      And I keep the response "Mac" as "E"
      And the MACs "E" and "T" are equal

    @MAC-GT-2 @GR-5 @grants
    Scenario: Ten grant tokens are accepted
      Given a grant "G" on key "K" for GenerateMac,VerifyMac
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | GrantTokens  | tokens:G*10  |
      Then the call succeeds

    @MAC-GT-2 @grants
    Scenario: Eleven grant tokens are a validation error
      Given a grant "G" on key "K" for GenerateMac,VerifyMac
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | GrantTokens  | tokens:G*11  |
      Then the call fails with ValidationException
      And the error message contains "at 'grantTokens' failed to satisfy constraint: Member must have length less than or equal to 10"

    @MAC-GT-3 @raw-wire @shared-key
    Scenario Outline: A grant token of <what> is a validation error naming the element
      When I call VerifyMac raw with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
        | GrantTokens  | <tokens>     |
      Then the call fails with ValidationException
      And the error message contains "validation error detected"
      And the error message contains "at 'grantTokens.1.member' failed to satisfy constraint: Member must have length <constraint>"

      Examples:
        | what             | tokens           | constraint                     |
        | 0 characters     | json:[""]        | greater than or equal to 1     |
        | 8193 characters  | tokens:len=8193  | less than or equal to 8192     |

    @MAC-GT-4 @shared-key
    Scenario: VerifyMac rejects a well-formed token that names no grant
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
        | GrantTokens  | tokens:fake  |
      Then the call fails with InvalidGrantTokenException

  Rule: DryRun false means normal processing

    @MAC-DRY-1 @shared-key
    Scenario: DryRun false verifies as usual
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
        | DryRun       | false        |
      Then the call succeeds
      And the response "MacValid" is true
