package awsraw

import "testing"

// ParseError reads __type through NormaliseType (WIRE-9), both message
// spellings, and tells a missing message from an empty one (WIRE-10).
func TestParseError(t *testing.T) {
	tests := []struct {
		name, body string
		want       ErrorShape
	}{
		{"bare", `{"__type":"DisabledException","message":"m"}`, ErrorShape{true, "DisabledException", ptr("m"), true}},
		{"namespace and suffix, capital Message", `{"__type":"com.amazonaws.kms#X:http://y","Message":"M"}`, ErrorShape{true, "X", ptr("M"), true}},
		{"namespace only", `{"__type":"com.amazonaws.kms#NotFoundException"}`, ErrorShape{true, "NotFoundException", nil, false}},
		{"suffix only", `{"__type":"NotFoundException:http://internal.amazon.com/"}`, ErrorShape{true, "NotFoundException", nil, false}},
		{"last '#' counts", `{"__type":"aws.protocoltests#a#Foo:bar"}`, ErrorShape{true, "Foo", nil, false}},
		{"spaces trimmed", `{"__type":" Spaced "}`, ErrorShape{true, "Spaced", nil, false}},
		{"nothing left", `{"__type":"#:x"}`, ErrorShape{true, "", nil, false}},
		{"lower case first", `{"__type":"X","message":"a","Message":"b"}`, ErrorShape{true, "X", ptr("a"), true}},
		{"first string wins", `{"message":5,"Message":"b"}`, ErrorShape{true, "", ptr("b"), true}},
		{"no message (WIRE-10)", `{"__type":"KMSInvalidMacException"}`, ErrorShape{true, "KMSInvalidMacException", nil, false}},
		{"empty message", `{"__type":"X","message":""}`, ErrorShape{true, "X", ptr(""), true}},
		{"null message is there, not a string", `{"__type":"X","message":null}`, ErrorShape{true, "X", nil, true}},
		{"type not a string", `{"__type":7,"message":"m"}`, ErrorShape{true, "", ptr("m"), true}},
		{"huge number elsewhere", `{"__type":"X","n":1e400}`, ErrorShape{true, "X", nil, false}},
		{"empty object", `{}`, ErrorShape{JSON: true}},
		{"null", `null`, ErrorShape{JSON: true}},
		{"array", `[1]`, ErrorShape{}},
		{"html", `<html><title>502</title></html>`, ErrorShape{}},
		{"empty body", ``, ErrorShape{}},
		{"truncated", `{"__type":"X"`, ErrorShape{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseError([]byte(tc.body))
			same := got.JSON == tc.want.JSON && got.Type == tc.want.Type && got.HasMessage == tc.want.HasMessage &&
				(got.Message == nil) == (tc.want.Message == nil) && (got.Message == nil || *got.Message == *tc.want.Message)
			if !same {
				t.Errorf("got %+v (message %s), want %+v (message %s)", got, show(got.Message), tc.want, show(tc.want.Message))
			}
			if direct := NormaliseType(tc.want.Type); direct != tc.want.Type {
				t.Errorf("NormaliseType is not idempotent on %q: %q", tc.want.Type, direct)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func show(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return "\"" + *s + "\""
}
