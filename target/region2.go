package target

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// OtherRegion is a Region that is not region, for the embedded reference's
// second Region (the multi-Region scenarios).
func OtherRegion(region string) string {
	if region == "eu-west-1" {
		return "us-west-2"
	}
	return "eu-west-1"
}

// second builds t.Second: the same endpoint and credentials, signing for
// region2 (whose keys, aliases and grants are its own). On AWS the
// clients go to region2's endpoint.
func (t *Target) second(ctx context.Context, region2 string) error {
	s := &Target{Name: t.Name + " in " + region2, URL: t.URL, Region: region2, Reference: t.Reference,
		RunID: t.RunID, PollTimeout: t.PollTimeout, Principals: t.Principals,
		stsClient: t.stsClient, creds: t.creds, retries: t.retries, timeout: t.timeout, aws: t.aws,
		accountFrom: t.accountFrom, health: t.health}
	s.SDK = kms.New(t.SDK.Options(), func(o *kms.Options) { o.Region = region2 })
	if t.aws {
		u, err := sdkEndpoint(ctx, s.SDK)
		if err != nil {
			return err
		}
		s.URL = u
	}
	c := t.Raw.c
	c.URL, c.Region = s.URL, region2
	s.Raw = &RawClient{c: c}
	s.partition, s.account = t.Account()
	t.Second = s
	return nil
}
