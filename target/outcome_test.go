package target

import (
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
