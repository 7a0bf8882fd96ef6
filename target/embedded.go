package target

import (
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/auth"
)

// EmbeddedPrincipals are the identities of the embedded reference: the
// harness's own (test/test, a controller, so the suite can use the
// controls), the AWS docs' example keys, and the two the identity
// scenarios need: a second user of the same account and a user of
// another account.
var EmbeddedPrincipals = []Principal{
	{Role: RoleSecond, ARN: "arn:aws:iam::111122223333:user/kmsmac-second", AccessKeyID: "AKIAKMSMACSECOND0001", SecretAccessKey: "kmsmac-second-secret"},
	{Role: RoleOtherAccount, ARN: "arn:aws:iam::444455556666:user/kmsmac-other", AccessKeyID: "AKIAKMSMACOTHER00001", SecretAccessKey: "kmsmac-other-secret"},
}

// startReference starts the embedded reference endpoint on 127.0.0.1:0,
// serving region and region2, signatures checked and controls open to
// the harness.
func startReference(region, region2 string) (url string, closeFn func() error, err error) {
	ps := auth.Default("").Principals
	for _, p := range EmbeddedPrincipals {
		ps = append(ps, &auth.Principal{ARN: p.ARN, AccessKeyID: p.AccessKeyID, SecretAccessKey: p.SecretAccessKey})
	}
	cfg, err := auth.New(ps...)
	if err != nil {
		return "", nil, err
	}
	s, err := reference.Start("127.0.0.1:0", reference.Options{Region: region, Regions: []string{region2}, Principals: cfg, Controls: true})
	if err != nil {
		return "", nil, err
	}
	return s.URL(), s.Close, nil
}
