Feature: Request signing
  Every KMS request is signed with Signature Version 4 for the service kms, in the endpoint's
  region, within five minutes of the server's clock. These scenarios send one ListKeys request
  signed wrongly on purpose (the harness's own access key unless the step says otherwise); an
  endpoint that accepts it runs operations for anyone.

  Rule: an unsigned request runs no operation

    @SIG-1 @recorded-part
    Scenario: an unsigned request is refused
      When I send ListKeys unsigned
      Then the call fails with a client error

    @SIG-1 @unverified
    Scenario: an unsigned request is refused with MissingAuthenticationTokenException
      When I send ListKeys unsigned
      Then the call fails with MissingAuthenticationTokenException

  Rule: the signature must be made with the access key's secret, by a known access key

    @SIG-2
    Scenario: a signature made with the wrong secret key is refused
      When I send ListKeys signed with a wrong secret key
      Then the call fails with InvalidSignatureException

    @SIG-3
    Scenario: an access key id the service does not know is refused
      When I send ListKeys signed with an unknown access key id
      Then the call fails with UnrecognizedClientException

  Rule: the credential scope and the time must match the endpoint

    @SIG-4
    Scenario: a signature scoped to another region is refused
      When I send ListKeys signed for region "ap-southeast-7"
      Then the call fails with InvalidSignatureException

    @SIG-4
    Scenario: a signature scoped to another service is refused
      When I send ListKeys signed for service "s3"
      Then the call fails with InvalidSignatureException

    @SIG-4
    Scenario: a signature made more than five minutes ago is refused
      When I send ListKeys signed 10 minutes in the past
      Then the call fails with InvalidSignatureException

    @SIG-4
    Scenario: a signature made more than five minutes ahead is refused
      When I send ListKeys signed 10 minutes in the future
      Then the call fails with InvalidSignatureException
