Feature: Quotas and throttling
  KMS limits the request rate per account: the cryptographic operations share one quota,
  key-management operations have their own, and a burst of state changes on one key can be
  throttled. Over a quota the call fails with ThrottlingException. AWS's numbers are never
  asserted (AMB-14): each scenario sets a tiny quota on its own key through the reference's
  KmsmacReference.SetQuota control (one request back per 1,000 s, off again in cleanup), so
  scenarios running in parallel are not throttled. An endpoint without the control blocks
  these scenarios.

  Background:
    Given the endpoint can set request-rate quotas

  Rule: the cryptographic operations share one request-rate quota

    @QUO-1
    Scenario: GenerateMac, Encrypt and VerifyMac draw on one cryptographic quota
      Given an HMAC_256 key "K"
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      And the Cryptographic quota on key "K" allows 2 requests
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [QUO-1]
      When I call Encrypt with:
        | KeyId     | key:K      |
        | Plaintext | blob:hello |
      Then the call fails with InvalidKeyUsageException [QUO-1]
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with ThrottlingException [QUO-1]

    @QUO-1
    Scenario: Key-management calls have a quota of their own
      Given an HMAC_256 key "K"
      And the KeyManagement quota on key "K" allows 1 request
      When I call DescribeKey for key "K"
      Then the call succeeds [QUO-1]
      When I call DescribeKey for key "K"
      Then the call fails with ThrottlingException [QUO-1]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [QUO-1]

  Rule: over the quota, KMS answers ThrottlingException, a common error no operation models

    @QUO-2
    Scenario: A call over the quota fails with ThrottlingException and the recorded message
      Given an HMAC_256 key "K"
      And the Cryptographic quota on key "K" allows 1 request
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [QUO-2]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ThrottlingException [QUO-2]
      And the HTTP status is 400 [QUO-2]
      And the error message is "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls." [QUO-2]

    @QUO-3
    Scenario: The SDK sees ThrottlingException from GenerateMac as a generic error
      Given an HMAC_256 key "K"
      And the Cryptographic quota on key "K" allows 1 request
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [QUO-3]
      And a GenerateMac through the SDK on key "K" fails with ThrottlingException, an error GenerateMac does not model [QUO-3]

  Rule: calls count against the calling account, DryRun calls too

    @QUO-4
    Scenario: Another account's calls on a key count against that account, not the key's owner
      Given an HMAC_256 key "K"
      And key "K" lets the other account use it
      And the Cryptographic quota on key "K" allows 1 request
      When I call GenerateMac as the other account with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [QUO-4]
      When I call GenerateMac as the other account with:
        | KeyId        | key-arn:K    |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ThrottlingException [QUO-4]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [QUO-4]

    @QUO-4 @DRY-5
    Scenario: DryRun calls count against the quota and can be throttled
      Given an HMAC_256 key "K"
      And the Cryptographic quota on key "K" allows 2 requests
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with DryRunOperationException [DRY-5]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with DryRunOperationException [DRY-5]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | DryRun       | true         |
      Then the call fails with ThrottlingException [DRY-5]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with ThrottlingException [QUO-4]

  Rule: a burst of state changes on one key can be throttled

    @QUO-5
    Scenario: State changes of a hot key are throttled while its MACs and other keys go on
      Given an HMAC_256 key "K"
      And an HMAC_256 key "L"
      And the HotKey quota on key "K" allows 2 requests
      When I call DisableKey for key "K"
      Then the call succeeds [QUO-5]
      When I call EnableKey for key "K"
      Then the call succeeds [QUO-5]
      When I call DisableKey for key "K"
      Then the call fails with ThrottlingException [QUO-5]
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds [QUO-5]
      When I call DisableKey for key "L"
      Then the call succeeds [QUO-5]
