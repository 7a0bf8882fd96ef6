package diff

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/kmsmac/kmsmac/kmsspec"
)

func TestRenderPerSide(t *testing.T) {
	material := keyMaterial(3)
	s := newSide("A", &Endpoint{Region: "us-west-2"})
	s.imported, s.material, s.account = true, material, "123"
	s.keys["k2"] = &keyInfo{ID: "id2", ARN: "arn2", Alias: "alias/a2", AliasARN: "aarn2"}
	msg := []byte("hello")
	spec, _ := kmsspec.ByKeySpec("HMAC_256")
	good := kmsspec.HMAC(spec.Algorithm, material["k2"], msg)
	other := kmsspec.HMAC(spec.Algorithm, material["k5"], msg)

	flipped := append([]byte(nil), good...)
	flipped[1] ^= 1 << 2
	tests := []struct {
		name string
		v    Value
		want any // decoded JSON value
	}{
		{"key id", KeyRef{Slot: "k2", Form: FormID}, "id2"},
		{"key arn", KeyRef{Slot: "k2", Form: FormARN}, "arn2"},
		{"alias", KeyRef{Slot: "k2", Form: FormAlias}, "alias/a2"},
		{"alias arn", KeyRef{Slot: "k2", Form: FormAliasARN}, "aarn2"},
		{"template", Tmpl("arn:aws:kms:<region>:<account>:key/x <other-region>"), "arn:aws:kms:us-west-2:123:key/x eu-west-1"},
		{"valid mac", MacOf{Slot: "k2", Mut: MutNone}, b64(good)},
		{"flip bit 10", MacOf{Slot: "k2", Mut: MutFlip, N: 10}, b64(flipped)},
		{"truncate", MacOf{Slot: "k2", Mut: MutTruncate, N: 5}, b64(good[:5])},
		{"extend", MacOf{Slot: "k2", Mut: MutExtend, N: 2}, b64(append(append([]byte(nil), good...), 11, 48))},
		{"other key", MacOf{Slot: "k2", Mut: MutOtherKey, Other: "k5"}, b64(other)},
		{"tokens", Tokens(2), []any{"kmsmac-diff-token-1", "kmsmac-diff-token-2"}},
		{"blob", Blob{0, 1}, "AAE="},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Request{Op: "VerifyMac", Members: []Member{{"Message", Blob(msg)}, {"X", tc.v}}}
			body, err := r.render(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatalf("%s: %v", body, err)
			}
			if got, _ := json.Marshal(m["X"]); string(got) != mustJSON(tc.want) {
				t.Errorf("got %s, want %s", got, mustJSON(tc.want))
			}
		})
	}
	// A key the side does not have is an error, not a panic.
	if _, err := (&Request{Op: "GenerateMac", Members: []Member{{"KeyId", KeyRef{Slot: "k9", Form: FormID}}}}).render(context.Background(), s); err == nil {
		t.Error("rendering an unknown slot succeeded")
	}
	// The valid MAC is fresh each time: a mutation never leaks into it.
	if string(s.macFor(context.Background(), "k2", msg)) != string(good) {
		t.Error("macFor changed after mutations")
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
