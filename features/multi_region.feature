Feature: Regions and multi-Region keys
  An HMAC key can be a multi-Region primary; ReplicateKey copies it into another Region of the
  same partition with the same key ID, key material, key spec, key usage and origin, under an
  ARN of that Region. The replica is Creating for a while, then Enabled (PendingImport when the
  primary's material was imported: the same material must be imported into it). Key state,
  policy, grants, aliases and tags are each Region's own. Only a primary can be replicated, and
  a primary whose replicas still exist waits for them in PendingReplicaDeletion. A bare key ID
  names a key of the Region the request is signed for only.

  These scenarios need a second Region of the endpoint (`--region2 REGION`; the embedded
  reference always serves one); without it they are blocked with that reason.

  Rule: a key ID is looked up in the request's Region only

    @KID-10
    Scenario: A key that exists only in the first Region is not found in the second
      Given the endpoint serves a second Region
      And an HMAC_256 key "K"
      And "K2" names key "K" in the second Region
      When I call DescribeKey in the second Region with:
        | KeyId | key:K |
      Then the call fails with NotFoundException and message "Key '<key-arn:K2>' does not exist"
      When I call GenerateMac in the second Region with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with NotFoundException and message "Key '<key-arn:K2>' does not exist"

  Rule: an HMAC primary can be replicated, and the replica is the same key in another Region

    @MRK-1 @MRK-2
    Scenario: ReplicateKey copies an HMAC primary into the second Region
      Given the endpoint serves a second Region
      And a multi-Region HMAC_256 key "K"
      When I replicate key "K" to the second Region as "R"
      Then the call succeeds [MRK-1]
      And the response "ReplicaKeyMetadata.KeyId" is "<key-id:K>" [MRK-2]
      And the response "ReplicaKeyMetadata.Arn" names the second Region [MRK-2]
      And the response "ReplicaKeyMetadata.KeySpec" is "HMAC_256" [MRK-2]
      And the response "ReplicaKeyMetadata.KeyUsage" is "GENERATE_VERIFY_MAC" [MRK-2]
      And the response "ReplicaKeyMetadata.Origin" is "AWS_KMS" [MRK-2]
      And the response "ReplicaKeyMetadata.MultiRegion" is true [MRK-1]
      And the response "ReplicaKeyMetadata.MultiRegionConfiguration.MultiRegionKeyType" is "REPLICA" [MRK-1]
      And the response "ReplicaKeyMetadata.MultiRegionConfiguration.PrimaryKey.Arn" is "<key-arn:K>" [MRK-1]
      And key "R" reaches state Enabled in the second Region
      When I call DescribeKey with:
        | KeyId | key:K |
      Then the call succeeds
      And the response "KeyMetadata.MultiRegionConfiguration.MultiRegionKeyType" is "PRIMARY" [MRK-1]
      And the response lists key "R" as a replica in the second Region [MRK-1]

    @MRK-3 @unverified
    Scenario: A MAC made in one Region verifies in the other, both ways
      Given the endpoint serves a second Region
      And a multi-Region HMAC_256 key "K"
      And key "K" has a replica "R" in the second Region
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T1"
      And I generate a MAC of "hello" with key "R" and HMAC_SHA_256 in the second Region as "T2"
      When I call VerifyMac in the second Region with:
        | KeyId        | key:R        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T1       |
      Then the call succeeds
      And the response "MacValid" is true
      When I call VerifyMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T2       |
      Then the call succeeds
      And the response "MacValid" is true

  Rule: a new replica is Creating until it settles

    @MRK-4 @STATE-6
    Scenario: A replica that is still Creating refuses MAC calls, then serves them
      Given the endpoint serves a second Region
      And a multi-Region HMAC_256 key "K"
      When I replicate key "K" to the second Region as "R"
      Then the call succeeds
      And the response "ReplicaKeyMetadata.KeyState" is "Creating"
      And the response "ReplicaKeyMetadata.Enabled" is false
      When I call GenerateMac in the second Region with:
        | KeyId        | key:R        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with KMSInvalidStateException and message "<key-arn:R> is creating."
      And key "R" reaches state Enabled in the second Region
      When I call GenerateMac in the second Region with:
        | KeyId        | key:R        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds

  Rule: key state and tags are per Region

    @MRK-5
    Scenario: Disabling and tagging the replica leaves the primary alone
      Given the endpoint serves a second Region
      And a multi-Region HMAC_256 key "K"
      And key "K" has a replica "R" in the second Region
      When I call DisableKey in the second Region with:
        | KeyId | key:R |
      Then the call succeeds
      When I call TagResource in the second Region with:
        | KeyId | key:R                                        |
        | Tags  | json:[{"TagKey":"replica","TagValue":"yes"}] |
      Then the call succeeds
      When I call DescribeKey with:
        | KeyId | key:K |
      Then the response "KeyMetadata.KeyState" is "Enabled"
      When I call GenerateMac with:
        | KeyId        | key:K        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call succeeds
      When I call GenerateMac in the second Region with:
        | KeyId        | key:R        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with DisabledException and message "<key-arn:R> is disabled."

  Rule: a replica of imported material has none until the same material is imported

    @MRK-6 @import
    Scenario: The replica of a primary with imported material is PendingImport until it is imported
      Given the endpoint serves a second Region
      And a multi-Region HMAC_256 key "K" with imported material of 32 bytes
      And key "K" has a replica "R" in the second Region
      And I compute the HMAC_SHA_256 of blob:hello under the material of key "K" as "E"
      When I call DescribeKey in the second Region with:
        | KeyId | key:R |
      Then the call succeeds
      And the response "KeyMetadata.KeyState" is "PendingImport"
      And the response "KeyMetadata.Origin" is "EXTERNAL"
      When I import the material of key "K" into key "R" in the second Region
      When I call VerifyMac in the second Region with:
        | KeyId        | key:R        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:E        |
      Then the call succeeds
      And the response "MacValid" is true

  Rule: only a primary can be replicated

    @MRK-7
    Scenario: Replicating a replica is refused
      Given the endpoint serves a second Region
      And a multi-Region HMAC_256 key "K"
      And key "K" has a replica "R" in the second Region
      When I call ReplicateKey in the second Region with:
        | KeyId         | key:R    |
        | ReplicaRegion | <region> |
      Then the call fails with UnsupportedOperationException and message "<key-arn:R> is not a multi-region primary key."

  Rule: replicas and primaries pending deletion refuse MAC calls

    @MRK-8
    Scenario: A replica pending deletion refuses both operations
      Given the endpoint serves a second Region
      And a multi-Region HMAC_256 key "K"
      And key "K" has a replica "R" in the second Region
      And I generate a MAC of "hello" with key "K" and HMAC_SHA_256 as "T"
      When I call ScheduleKeyDeletion in the second Region with:
        | KeyId               | key:R |
        | PendingWindowInDays | json:7 |
      Then the call succeeds
      When I call GenerateMac in the second Region with:
        | KeyId        | key:R        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
      Then the call fails with KMSInvalidStateException and message "<key-arn:R> is pending deletion."
      When I call VerifyMac in the second Region with:
        | KeyId        | key:R        |
        | Message      | blob:hello   |
        | MacAlgorithm | HMAC_SHA_256 |
        | Mac          | mac:T        |
      Then the call fails with KMSInvalidStateException and message "<key-arn:R> is pending deletion."
