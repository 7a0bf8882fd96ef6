package awsraw

import (
	"encoding/json"
	"strings"
)

// ErrorShape is what an awsJson1_1 error body says.
type ErrorShape struct {
	// JSON: the body decodes as a JSON object (or null). When false the
	// other fields are zero and the body is something else, e.g. an HTML
	// error page from a proxy.
	JSON bool
	// Type is __type normalised by NormaliseType; "" when absent or not a
	// string.
	Type string
	// Message is the first of "message", "Message" that is a JSON string;
	// nil when neither is.
	Message *string
	// HasMessage: a "message" or "Message" member is present, whatever its
	// JSON type (WIRE-10 is about the member being there at all).
	HasMessage bool
}

// ParseError reads an error body. It never fails: what it cannot read is
// left zero.
func ParseError(body []byte) ErrorShape {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return ErrorShape{}
	}
	e := ErrorShape{JSON: true}
	if s, ok := jsonString(m["__type"]); ok {
		e.Type = NormaliseType(s)
	}
	for _, k := range []string{"message", "Message"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		e.HasMessage = true
		if s, ok := jsonString(raw); ok && e.Message == nil {
			e.Message = &s
		}
	}
	return e
}

func jsonString(raw json.RawMessage) (string, bool) {
	var v any
	if raw == nil || json.Unmarshal(raw, &v) != nil {
		return "", false
	}
	s, ok := v.(string)
	return s, ok
}

// NormaliseType cuts a namespace prefix (through the last '#') and a ':'
// suffix from an error type, as clients must accept both (WIRE-9):
// "com.amazonaws.kms#NotFoundException:http://x" is "NotFoundException".
func NormaliseType(t string) string {
	if i := strings.LastIndexByte(t, '#'); i >= 0 {
		t = t[i+1:]
	}
	if i := strings.IndexByte(t, ':'); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSpace(t)
}
