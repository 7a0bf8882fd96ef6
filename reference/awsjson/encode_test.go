package awsjson

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestAppendErrorBody(t *testing.T) {
	cases := []struct {
		e    *Error
		want string
	}{
		{ClientError("NotFoundException", "Invalid keyId 'x'"), `{"__type":"NotFoundException","message":"Invalid keyId 'x'"}`},
		{&Error{Type: "KMSInvalidMacException", NoMessage: true}, `{"__type":"KMSInvalidMacException"}`},
		{ClientError("ValidationException", ""), `{"__type":"ValidationException","message":""}`},
		{ClientError("T", "a\"b\\c\nd\x00"), `{"__type":"T","message":"a\"b\\c\nd\u0000"}`},
	}
	for _, c := range cases {
		if got := string(AppendErrorBody(nil, c.e)); got != c.want {
			t.Errorf("AppendErrorBody(%+v) = %s, want %s", c.e, got, c.want)
		}
	}
}

// FuzzAppendString checks that every string encodes to valid JSON that
// decodes to the same text (invalid UTF-8 mapped to U+FFFD).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\/", "\x00\x1f\x7f", "\xff\xfe", "é€𝄞", "\u2028\u2029", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := AppendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", s, b, err)
		}
		want := []rune{}
		for _, r := range s { // range yields U+FFFD for each invalid byte
			want = append(want, r)
		}
		if got != string(want) {
			t.Fatalf("round trip of %q = %q", s, got)
		}
		if !utf8.Valid(b) {
			t.Fatalf("output is not UTF-8: %q", b)
		}
	})
}
