package steps

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/target"
)

func TestValueExpressions(t *testing.T) {
	tg := &target.Target{RunID: "r1", Region: "us-east-1"}
	tg.Learn("arn:aws:kms:us-east-1:123456789012:key/x") // account 123456789012, partition aws
	w := NewWorld(tg, &Settings{})
	w.AddKey(&Key{Name: "K", ID: "id-1", ARN: "arn:aws:kms:us-east-1:123456789012:key/id-1"})
	w.SetMac("T", []byte{1, 2, 3, 4})
	ctx := context.Background()
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	cases := map[string]any{
		"key:K":                    "id-1",
		"key-arn:K":                "arn:aws:kms:us-east-1:123456789012:key/id-1",
		"blob:hi":                  b64([]byte("hi")),
		"bytes:3":                  b64(Pattern(3)),
		"mac:T":                    b64([]byte{1, 2, 3, 4}),
		"mac:T truncated to 2":     b64([]byte{1, 2}),
		"mac:T with a bit flipped": b64([]byte{1, 2, 2, 4}),
		"chars:3":                  "aaa",
		"true":                     true,
		"str:true":                 "true",
		"b64:!!":                   "!!",
		"<key-arn:K>/x":            "arn:aws:kms:us-east-1:123456789012:key/id-1/x",
		"arn:<partition>:kms:<region>:<account>:key/z": "arn:aws:kms:us-east-1:123456789012:key/z",
		"": "",
	}
	for expr, want := range cases {
		got, err := w.Value(ctx, expr)
		if err != nil || got != want {
			t.Errorf("Value(%q) = %v, %v; want %v", expr, got, err, want)
		}
	}
	if got, _ := w.Value(ctx, "mac:T extended by 2"); got != b64([]byte{1, 2, 3, 4, 'k', 'm'}) {
		t.Errorf("extended: %v", got)
	}
	if got, _ := w.Value(ctx, "tokens:fake*3"); len(got.([]any)) != 3 {
		t.Errorf("tokens:fake*3 = %v", got)
	}
	if got, _ := w.Value(ctx, "tokens:len=5"); got.([]any)[0] != "ttttt" {
		t.Errorf("tokens:len=5 = %v", got)
	}
	if a, _ := w.Value(ctx, "alias:A"); a != w.Alias("A") || !strings.HasPrefix(a.(string), "alias/kmsmac-r1-") {
		t.Errorf("alias:A = %v", a)
	}
	for _, bad := range []string{"key:Nope", "bytes:x", "mac:Nope", "json:{", "mac:T truncated to 9", "tokens:G"} {
		if _, err := w.Value(ctx, bad); err == nil {
			t.Errorf("Value(%q) did not fail", bad)
		}
	}
	if _, err := w.Resolve(ctx, "<key-arn>"); err == nil {
		t.Error("<key-arn> with no last key resolved")
	}
}

func TestPatternIsDeterministic(t *testing.T) {
	if len(Pattern(0)) != 0 || len(Pattern(4097)) != 4097 || string(Pattern(6)) != "kmsmac" {
		t.Error("Pattern lengths or content changed")
	}
}
