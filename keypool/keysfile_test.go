package keypool

import (
	"strings"
	"testing"
)

func TestParseKeysFile(t *testing.T) {
	const id = "1234abcd-12ab-34cd-56ef-1234567890ab"
	const arn = "arn:aws:kms:us-east-1:111122223333:key/" + id
	good := "hmac:\n  HMAC_224: " + id + "\n  HMAC_256: " + arn + "\nencrypt: " + id + "\nsign: " + id +
		"\nexternal: " + id + "\naliases:\n  HMAC_256: alias/mine\n"
	kf, err := ParseKeysFile([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if kf.HMAC["HMAC_256"] != arn || kf.HMAC["HMAC_224"] != id || kf.Encrypt != id || kf.Sign != id || kf.External != id || kf.Aliases["HMAC_256"] != "alias/mine" {
		t.Fatalf("parsed %+v", kf)
	}
	if got := strings.Join(kf.Roles(), " "); got != "encrypt external hmac.HMAC_224 hmac.HMAC_256 sign" {
		t.Errorf("Roles = %q", got)
	}
	bad := []struct{ in, want string }{
		{"", "empty file"},
		{"- a\n", "line 1: want a mapping"},
		{"hmac:\n  HMAC_256: " + id + "\nsigning: " + id + "\n", `line 3: unknown role "signing"`},
		{"hmac:\n  HMAC_128: " + id + "\n", `line 2: unknown HMAC key spec "HMAC_128"`},
		{"hmac:\n  HMAC_256: nope\n", `line 2: "nope" is not a key id`},
		{"hmac: " + id + "\n", "line 1: want a mapping"},
		{"encrypt: [" + id + "]\n", "line 1: want a key id"},
		{"encrypt: " + id + "\nencrypt: " + id + "\n", `line 2: role "encrypt" given twice`},
		{"hmac:\n  HMAC_256: " + id + "\naliases:\n  HMAC_256: mine\n", `line 4: "mine" is not a customer alias`},
		{"hmac:\n  HMAC_256: " + id + "\naliases:\n  HMAC_512: alias/x\n", "HMAC_512 has an alias but no key"},
		{"hmac:\n  HMAC_256: " + id + "\naliases:\n  other: alias/x\n", `line 4: unknown alias role "other"`},
		{"hmac: {HMAC_256: " + id + "\n", "yaml"},
	}
	for _, b := range bad {
		_, err := ParseKeysFile([]byte(b.in))
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("ParseKeysFile(%q) = %v, want an error with %q", b.in, err, b.want)
		}
	}
}
