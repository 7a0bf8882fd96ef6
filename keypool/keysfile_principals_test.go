package keypool

import (
	"strings"
	"testing"
)

func TestKeysFilePrincipals(t *testing.T) {
	kf, err := ParseKeysFile([]byte(`
principals:
  - role: second
    arn: arn:aws:iam::111122223333:user/two
    access_key_id: AKIATWO
    secret_access_key: two-secret
  - role: other-account
    arn: arn:aws:iam::444455556666:user/other
    access_key_id: AKIAOTHER
    secret_access_key: other-secret
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(kf.Principals) != 2 || kf.Principals[0].Role != "second" || kf.Principals[1].Account() != "444455556666" ||
		kf.Principals[1].SecretAccessKey != "other-secret" {
		t.Fatalf("principals = %+v", kf.Principals)
	}
	bad := map[string]string{
		"not a list":    "principals: {role: second}",
		"unknown role":  "principals: [{role: third, arn: 'arn:aws:iam::111122223333:user/x', access_key_id: A, secret_access_key: B}]",
		"bad arn":       "principals: [{role: second, arn: 'user/x', access_key_id: A, secret_access_key: B}]",
		"no secret":     "principals: [{role: second, arn: 'arn:aws:iam::111122223333:user/x', access_key_id: A}]",
		"unknown field": "principals: [{role: second, arn: 'arn:aws:iam::111122223333:user/x', access_key_id: A, secret_key: B}]",
		"twice": "principals: [{role: second, arn: 'arn:aws:iam::111122223333:user/x', access_key_id: A, secret_access_key: B}," +
			" {role: second, arn: 'arn:aws:iam::111122223333:user/y', access_key_id: C, secret_access_key: D}]",
		"same account": "principals: [{role: second, arn: 'arn:aws:iam::111122223333:user/x', access_key_id: A, secret_access_key: B}," +
			" {role: other-account, arn: 'arn:aws:iam::111122223333:user/y', access_key_id: C, secret_access_key: D}]",
	}
	for name, doc := range bad {
		if _, err := ParseKeysFile([]byte(doc)); err == nil || !strings.Contains(err.Error(), "principals") {
			t.Errorf("%s: err = %v, want a principals error", name, err)
		}
	}
}
