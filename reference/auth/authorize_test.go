package auth

import (
	"strings"
	"testing"
)

func TestAuthorize(t *testing.T) {
	c, err := Parse([]byte(`principals:
  - {arn: "arn:aws:iam::111122223333:user/owner", access_key_id: O, secret_access_key: o}
  - {arn: "arn:aws:iam::111122223333:user/alice", access_key_id: A, secret_access_key: a}
  - arn: arn:aws:iam::111122223333:user/nomac
    access_key_id: N
    secret_access_key: n
    policy: [{Effect: Deny, Action: "kms:*Mac", Resource: "*"}, {Effect: Allow, Action: "kms:*", Resource: "*"}]
  - {arn: "arn:aws:iam::444455556666:user/bob", access_key_id: B, secret_access_key: b}
`))
	if err != nil {
		t.Fatal(err)
	}
	p := func(id string) *Principal { x, _ := c.Lookup(id); return x }
	const key = "arn:aws:kms:us-east-1:111122223333:key/k"
	aliceOnlyGenerate256 := `{"Statement":[
	 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/owner"},"Action":"kms:*","Resource":"*"},
	 {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:user/alice"]},"Action":"kms:GenerateMac","Resource":"*",
	  "Condition":{"StringEquals":{"kms:MacAlgorithm":"HMAC_SHA_256"}}}]}`
	crossAccount := `{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"},
	 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["kms:GenerateMac","kms:DescribeKey"],"Resource":"*"},
	 {"Effect":"Deny","Principal":"*","Action":"kms:VerifyMac","Resource":"*","Condition":{"StringLike":{"kms:MacAlgorithm":"HMAC_SHA_5*"}}}]}`
	cases := []struct {
		name    string
		who     string
		action  string
		policy  string
		alg     string
		granted bool
		allowed bool
	}{
		{"default policy, own account", "A", "VerifyMac", "", "HMAC_SHA_256", false, true},
		{"default policy, other account (AUTH-6 needs the key policy)", "B", "GenerateMac", "", "HMAC_SHA_256", false, false},
		{"IAM deny wins over the default policy", "N", "GenerateMac", "", "HMAC_SHA_256", false, false},
		{"IAM allows the rest", "N", "DescribeKey", "", "", false, true},
		{"policy names alice for GenerateMac (AUTH-1)", "A", "GenerateMac", aliceOnlyGenerate256, "HMAC_SHA_256", false, true},
		{"GenerateMac alone does not allow VerifyMac (AUTH-2)", "A", "VerifyMac", aliceOnlyGenerate256, "HMAC_SHA_256", false, false},
		{"kms:MacAlgorithm limits the algorithm (AUTH-3)", "A", "GenerateMac", aliceOnlyGenerate256, "HMAC_SHA_512", false, false},
		{"a policy that leaves a principal out denies it (AUTH-7)", "N", "DescribeKey", aliceOnlyGenerate256, "", false, false},
		{"a grant allows what the policy does not (GR-5)", "A", "VerifyMac", aliceOnlyGenerate256, "HMAC_SHA_256", true, true},
		{"cross account with the key policy (AUTH-6)", "B", "GenerateMac", crossAccount, "HMAC_SHA_256", false, true},
		{"cross account, action not in the policy", "B", "VerifyMac", crossAccount, "HMAC_SHA_256", false, false},
		{"explicit deny wins over allow", "O", "VerifyMac", crossAccount, "HMAC_SHA_512", false, false},
		{"explicit deny wins over a grant", "O", "VerifyMac", crossAccount, "HMAC_SHA_512", true, false},
		{"deny condition not met", "O", "VerifyMac", crossAccount, "HMAC_SHA_256", false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Authorize(Request{Caller: p(tc.who), Action: tc.action, KeyARN: key, KeyAccount: "111122223333", Partition: "aws",
				KeyPolicy: tc.policy, MacAlgorithm: tc.alg, Granted: func() bool { return tc.granted }})
			if tc.allowed != (err == nil) {
				t.Fatalf("allowed=%v, err %v", tc.allowed, err)
			}
			if err != nil {
				want := "User: " + p(tc.who).ARN + " is not authorized to perform: kms:" + tc.action + " on resource: " + key
				wantErr(t, err, "AccessDeniedException", want)
			}
		})
	}
}

func TestParseKeyPolicyRefusals(t *testing.T) {
	for doc, msg := range map[string]string{
		`not json`:         "not valid",
		`{"Statement":[]}`: "no Statement",
		`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"kms:*","Resource":"*"}]}`:                                   "invalid principals",
		`{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`:                                                             "no Principal",
		`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"NumericEquals":{"kms:X":"1"}}}]}`: "NumericEquals",
	} {
		_, err := ParseKeyPolicy(doc)
		wantErr(t, err, "MalformedPolicyDocumentException", msg)
	}
	if p, err := ParseKeyPolicy(DefaultKeyPolicy("aws", "111122223333")); err != nil || !strings.Contains(p.Statement[0].Principal.AWS[0], ":root") {
		t.Fatalf("default policy: %v", err)
	}
}
