package awsraw

import "testing"

func TestNormaliseType(t *testing.T) {
	for in, want := range map[string]string{
		"NotFoundException":                             "NotFoundException",
		"com.amazonaws.kms#NotFoundException":           "NotFoundException",
		"NotFoundException:http://internal.amazon.com/": "NotFoundException",
		"com.amazonaws.kms#NotFoundException:http://x":  "NotFoundException",
		"a#b#C":    "C",
		" Spaced ": "Spaced",
		"#":        "",
		":x":       "",
		"":         "",
	} {
		if got := NormaliseType(in); got != want {
			t.Errorf("NormaliseType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseError(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		json       bool
		typ        string
		msg        *string
		hasMessage bool
	}{
		{"bare", `{"__type":"DisabledException","message":"m"}`, true, "DisabledException", ptr("m"), true},
		{"namespaced, capital Message", `{"__type":"com.amazonaws.kms#X:http://y","Message":"M"}`, true, "X", ptr("M"), true},
		{"lower case first", `{"__type":"X","message":"a","Message":"b"}`, true, "X", ptr("a"), true},
		{"first string wins", `{"message":5,"Message":"b"}`, true, "", ptr("b"), true},
		{"no message (WIRE-10)", `{"__type":"KMSInvalidMacException"}`, true, "KMSInvalidMacException", nil, false},
		{"empty message", `{"__type":"X","message":""}`, true, "X", ptr(""), true},
		{"null message is present, not a string", `{"__type":"X","message":null}`, true, "X", nil, true},
		{"type not a string", `{"__type":7,"message":"m"}`, true, "", ptr("m"), true},
		{"huge number elsewhere", `{"__type":"X","n":1e400}`, true, "X", nil, false},
		{"empty object", `{}`, true, "", nil, false},
		{"null", `null`, true, "", nil, false},
		{"array", `[1]`, false, "", nil, false},
		{"html", `<html><title>502</title></html>`, false, "", nil, false},
		{"empty", ``, false, "", nil, false},
		{"truncated", `{"__type":"X"`, false, "", nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := ParseError([]byte(tc.body))
			if e.JSON != tc.json || e.Type != tc.typ || e.HasMessage != tc.hasMessage || !sameString(e.Message, tc.msg) {
				t.Errorf("got %+v (message %s), want JSON %v type %q message %s has %v",
					e, show(e.Message), tc.json, tc.typ, show(tc.msg), tc.hasMessage)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func sameString(a, b *string) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func show(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return "\"" + *s + "\""
}
