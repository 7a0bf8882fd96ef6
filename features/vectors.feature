@vectors
Feature: Known-answer vectors through the endpoint
  Wycheproof's HMAC vectors (hmac_sha{224,256,384,512}_test.json, embedded in kmsmac; --vectors DIR
  or $KMSMAC_VECTORS replaces them) go through the endpoint: each distinct key is
  imported once into a fresh Origin EXTERNAL key of the algorithm's spec and reused by every vector
  that shares it. GenerateMac must return the expected tag (its prefix for short-tag groups), and
  VerifyMac must accept a full-length valid tag and refuse every modified or truncated one: KMS
  accepts only the identical MAC (VM-FAIL-2), even where Wycheproof, which allows truncation,
  says "valid". Every difference fails hard.
  Vectors whose key length the spec does not accept (IMP-12) or whose message is empty
  (MAC-SIZE-3) cannot go through an endpoint: the step output counts them as skipped, with the
  reason. A --vectors DIR or $KMSMAC_VECTORS without the four files is an error, not a skip.

  RFC 4231's keys (4, 20, 25 and 131 bytes) are all outside the lengths KMS imports, so no endpoint
  can run its test cases; reference/mac's Go tests run them on the reference's HMAC core.

  Rule: Wycheproof tags are the endpoint's MACs, and only full tags verify

    @import @IMP-1 @GM-OK-2 @GM-OK-4 @VM-OK-1 @VM-FAIL-2
    Scenario Outline: Wycheproof <algorithm> vectors through the endpoint
      Given the Wycheproof vectors for <algorithm>
      When I run the vectors through the endpoint with one imported key per distinct key
      Then every vector the endpoint can take gives its expected tag with GenerateMac and VerifyMac

      Examples:
        | algorithm    |
        | HMAC_SHA_224 |
        | HMAC_SHA_256 |
        | HMAC_SHA_384 |
        | HMAC_SHA_512 |
