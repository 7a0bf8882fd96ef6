package steps

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
)

func TestNormaliseType(t *testing.T) {
	for in, want := range map[string]string{
		"NotFoundException":                             "NotFoundException",
		"com.amazonaws.kms#NotFoundException":           "NotFoundException",
		"NotFoundException:http://internal.amazon.com/": "NotFoundException",
		"aws.protocoltests#Foo:bar":                     "Foo",
		"":                                              "",
	} {
		if got := NormaliseType(in); got != want {
			t.Errorf("NormaliseType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseErrorBothMessageSpellings(t *testing.T) {
	for _, body := range []string{`{"__type":"a#X","message":"m"}`, `{"__type":"X","Message":"m"}`} {
		o := &Outcome{Status: 400, Body: []byte(body), Header: http.Header{}}
		o.parseError()
		if o.Type != "X" || o.Message != "m" || !o.HasMsg {
			t.Errorf("%s: got type %q message %q has %v", body, o.Type, o.Message, o.HasMsg)
		}
	}
	o := &Outcome{Status: 400, Body: []byte(`{"__type":"KMSInvalidMacException"}`), Header: http.Header{}}
	o.parseError()
	if o.HasMsg || !strings.Contains(o.Summary(), "(no message)") {
		t.Errorf("no-message body: HasMsg %v, summary %q", o.HasMsg, o.Summary())
	}
}

func TestElideHidesSecrets(t *testing.T) {
	msg := base64.StdEncoding.EncodeToString([]byte("top secret message"))
	body := `{"KeyId":"k","Message":"` + msg + `","Mac":"AAAA","ImportToken":"zz!secret","GrantTokens":["a","b","c","d","e"]}`
	got := string(Elide([]byte(body)))
	for _, bad := range []string{msg, "AAAA", "zz!secret"} {
		if strings.Contains(got, bad) {
			t.Errorf("Elide kept %q: %s", bad, got)
		}
	}
	for _, want := range []string{`"Message":"<18 bytes>"`, `"Mac":"<3 bytes>"`, `<list of 5>`, `"KeyId":"k"`} {
		if !strings.Contains(got, want) {
			t.Errorf("Elide output lacks %s: %s", want, got)
		}
	}
	if got := string(Elide([]byte("<html>oops"))); got != "<html>oops" {
		t.Errorf("non-JSON body: %q", got)
	}
}

func TestValueExpressions(t *testing.T) {
	w := newWorld(&Target{RunID: "r1", Region: "us-east-1", account: "123456789012", partition: "aws"}, &Options{})
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
