@aliases
Feature: Key identifiers
  GenerateMac and VerifyMac take the key as a key ID, key ARN, alias name or alias ARN, answer
  with the key ARN, and report keys that cannot be resolved with NotFoundException: "Invalid
  keyId" for malformed values, the full key ARN for well-formed ones that do not exist.

  Background:
    Given an HMAC_256 key "K"
    And an alias "A" for key "K"

  Rule: a key ID, key ARN, alias name and alias ARN all name the same key

    @KID-1 @GM-OK-7 @recorded-part
    Scenario Outline: GenerateMac through <form> makes a MAC that verifies with the key ID
      When I call GenerateMac with:
        | KeyId        | <form>       |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And I keep the response "Mac" as "M"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:M        |
      Then the call succeeds
      And the response "MacValid" is true

      Examples:
        | form        |
        | key-arn:K   |
        | alias:A     |
        | alias-arn:A |

    # Byte-identical MACs rest on determinism, which is inferred (GM-OK-7 "I for the same MAC bytes").
    @KID-1 @GM-OK-7 @unverified
    Scenario: GenerateMac gives the same MAC whichever form names the key
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call GenerateMac with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And I keep the response "Mac" as "ByARN"
      When I call GenerateMac with:
        | KeyId        | alias:A      |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And I keep the response "Mac" as "ByAlias"
      When I call GenerateMac with:
        | KeyId        | alias-arn:A  |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And I keep the response "Mac" as "ByAliasARN"
      And the MACs "T" and "ByARN" are equal
      And the MACs "T" and "ByAlias" are equal
      And the MACs "T" and "ByAliasARN" are equal

    @KID-1
    Scenario Outline: VerifyMac accepts the key named by <form>
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac with:
        | KeyId        | <form>       |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds
      And the response "MacValid" is true

      Examples:
        | form        |
        | key:K       |
        | key-arn:K   |
        | alias:A     |
        | alias-arn:A |

  Rule: a key ID is a hyphenated UUID

    @KID-2
    Scenario: CreateKey returns a canonical UUID key ID inside the key ARN
      When I call CreateKey with:
        | KeySpec  | HMAC_256            |
        | KeyUsage | GENERATE_VERIFY_MAC |
      Then the call succeeds
      And the response "KeyMetadata.KeyId" matches "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
      And the response "KeyMetadata.Arn" matches "^arn:[a-z-]+:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

  Rule: the response KeyId is always the key ARN

    @KID-4 @GM-OK-1
    Scenario: GenerateMac named by key ID answers with the key ARN
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [GM-OK-1]
      And the response "KeyId" is "<key-arn:K>" [KID-4]

    @KID-4 @VM-OK-1
    Scenario: VerifyMac named by key ID answers with the key ARN
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds [VM-OK-1]
      And the response "KeyId" is "<key-arn:K>" [KID-4]

    @KID-5 @unverified @raw-wire
    Scenario Outline: <operation> named by <form> answers with the key ARN, not the alias
      Given I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call <operation> raw with:
        | KeyId        | <form>       |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call succeeds
      And the response "KeyId" is "<key-arn:K>"

      Examples:
        | operation | form        |
        | VerifyMac | alias:A     |
        | VerifyMac | alias-arn:A |

    @KID-5 @unverified
    Scenario Outline: GenerateMac named by <form> answers with the key ARN, not the alias
      When I call GenerateMac with:
        | KeyId        | <form>       |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      And the response "KeyId" is "<key-arn:K>"

      Examples:
        | form        |
        | alias:A     |
        | alias-arn:A |

  Rule: a malformed key identifier is "Invalid keyId"

    @KID-6 @ORD-2
    Scenario Outline: GenerateMac with KeyId "<value>" fails key resolution
      When I call GenerateMac with:
        | KeyId        | <value>      |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException
      And the error message is "Invalid keyId '<value>'" [KID-6]

      Examples:
        | value                            |
        | fake-key-id                      |
        | 5f2e9a4c0d4b4c1e9f3a7b8c6d5e4f30 |
        | mrk-fake-key-id                  |

    @KID-6 @ORD-2
    Scenario Outline: VerifyMac with KeyId "<value>" fails key resolution
      When I call VerifyMac with:
        | KeyId        | <value>      |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:32     |
      Then the call fails with NotFoundException
      And the error message is "Invalid keyId '<value>'" [KID-6]

      Examples:
        | value           |
        | fake-key-id     |
        | mrk-fake-key-id |

  Rule: a well-formed key that does not exist is reported by its full ARN

    # KID-7, KID-8 and KID-9 are recorded for DescribeKey (hard); for GenerateMac and VerifyMac
    # the same answer is inferred (@unverified).
    @KID-7 @recorded-part
    Scenario Outline: DescribeKey with the unknown key ID <id> quotes the ARN in this region and account
      When I call DescribeKey with:
        | KeyId | <id> |
      Then the call fails with NotFoundException and message "Key 'arn:<partition>:kms:<region>:<account>:key/<id>' does not exist"

      Examples:
        | id                                   |
        | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | mrk-0123456789abcdef0123456789abcdef |

    @KID-7 @unverified
    Scenario Outline: <operation> with the unknown key ID <id> quotes the ARN in this region and account
      When I call <operation> with:
        | KeyId        | <id>         |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:32     |
      Then the call fails with NotFoundException and message "Key 'arn:<partition>:kms:<region>:<account>:key/<id>' does not exist"

      Examples:
        | operation | id                                   |
        | VerifyMac | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | VerifyMac | mrk-0123456789abcdef0123456789abcdef |

    @KID-7 @unverified
    Scenario Outline: GenerateMac with the unknown key ID <id> quotes the ARN in this region and account
      When I call GenerateMac with:
        | KeyId        | <id>         |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException and message "Key 'arn:<partition>:kms:<region>:<account>:key/<id>' does not exist"

      Examples:
        | id                                   |
        | 5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | mrk-0123456789abcdef0123456789abcdef |

    @KID-8 @recorded-part
    Scenario: DescribeKey quotes back the key ARN of a missing key in this region
      When I call DescribeKey with:
        | KeyId | arn:<partition>:kms:<region>:<account>:key/5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
      Then the call fails with NotFoundException and message "Key 'arn:<partition>:kms:<region>:<account>:key/5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30' does not exist"

    @KID-8 @unverified
    Scenario: GenerateMac quotes back the key ARN of a missing key in this region
      When I call GenerateMac with:
        | KeyId        | arn:<partition>:kms:<region>:<account>:key/5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30 |
        | Message      | blob:hello                                                                      |
        | MacAlgorithm | HMAC_SHA_256                                                                    |
      Then the call fails with NotFoundException and message "Key 'arn:<partition>:kms:<region>:<account>:key/5f2e9a4c-0d4b-4c1e-9f3a-7b8c6d5e4f30' does not exist"

    @KID-9 @recorded-part
    Scenario: DescribeKey with a key ARN from another region is an invalid ARN
      When I call DescribeKey with:
        | KeyId | arn:<partition>:kms:<other-region>:<account>:key/<key-id:K> |
      Then the call fails with NotFoundException and message "Invalid arn <other-region>"

    @KID-9 @unverified
    Scenario: GenerateMac with a key ARN from another region is an invalid ARN
      When I call GenerateMac with:
        | KeyId        | arn:<partition>:kms:<other-region>:<account>:key/<key-id:K> |
        | Message      | blob:hello                                                  |
        | MacAlgorithm | HMAC_SHA_256                                                |
      Then the call fails with NotFoundException and message "Invalid arn <other-region>"

  Rule: a missing alias is reported by its alias ARN

    @KID-11
    Scenario Outline: <operation> through the missing alias named by <form> fails
      When I call <operation> with:
        | KeyId        | <form>       |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | bytes:32     |
      Then the call fails with NotFoundException and message "Alias <alias-arn:Missing> is not found."

      Examples:
        | operation | form              |
        | VerifyMac | alias:Missing     |
        | VerifyMac | alias-arn:Missing |

    @KID-11
    Scenario Outline: GenerateMac through the missing alias named by <form> fails
      When I call GenerateMac with:
        | KeyId        | <form>       |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException and message "Alias <alias-arn:Missing> is not found."

      Examples:
        | form              |
        | alias:Missing     |
        | alias-arn:Missing |

  Rule: messages about a key quote its ARN, however the request named it

    @KID-12 @USE-1
    Scenario Outline: A usage error through <form> quotes the key ARN
      Given a SYMMETRIC_DEFAULT key "E"
      And an alias "EA" for key "E"
      When I call GenerateMac with:
        | KeyId        | <form>       |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with InvalidKeyUsageException [USE-1]
      And the error message is "<key-arn:E> key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac."

      Examples:
        | form         |
        | key:E        |
        | alias:EA     |
        | alias-arn:EA |

  Rule: an alias of an HMAC key can move only to another HMAC key

    @KID-13
    Scenario: UpdateAlias moves an alias to another HMAC key
      Given an HMAC_256 key "K2"
      When I call UpdateAlias with:
        | AliasName   | alias:A |
        | TargetKeyId | key:K2  |
      Then the call succeeds
      And alias "A" reaches key "K2"

    @KID-13
    Scenario Outline: UpdateAlias does not move an HMAC key's alias to a <spec> key
      Given a <spec> key "Other"
      When I call UpdateAlias with:
        | AliasName   | alias:A   |
        | TargetKeyId | key:Other |
      Then the call fails with a client error
      And alias "A" reaches key "K"

      Examples:
        | spec              |
        | SYMMETRIC_DEFAULT |
        | RSA_2048          |
