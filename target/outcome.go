package target

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/kmsmac/kmsmac/internal/awsraw"
	"github.com/kmsmac/kmsmac/internal/textutil"
)

// Outcome is what one call looked like on the wire, whichever client sent it.
type Outcome struct {
	Op        string      // operation, e.g. "GenerateMac" or "KmsmacReference.SetKeyState"
	Client    string      // "sdk" or "raw"
	Request   []byte      // request body as sent (nil when the SDK refused to send)
	Status    int         // HTTP status; 0 when no response arrived
	Type      string      // normalised error code (WIRE-9); "" on success
	Message   string      // "message" or "Message" of an error body
	HasMsg    bool        // the error body carried a message member
	Body      []byte      // response body
	RequestID string      // x-amzn-RequestId (or x-amz-request-id)
	Header    http.Header // response headers
	Output    any         // typed SDK output on success (e.g. *kms.GenerateMacOutput)
	Err       error       // transport or SDK-side failure when no HTTP response explains it
}

// OK reports a 200 answer.
func (o *Outcome) OK() bool { return o != nil && o.Status == http.StatusOK && o.Err == nil }

// NormaliseType cuts a namespace prefix (after '#') and a ':' suffix (WIRE-9).
func NormaliseType(t string) string { return awsraw.NormaliseType(t) }

// parseError fills Type and Message from an error body (both spellings of
// message, WIRE-9). A body that is not JSON leaves them to the caller.
func (o *Outcome) parseError() {
	e := awsraw.ParseError(o.Body)
	if !e.JSON {
		return
	}
	o.Type = e.Type
	if e.HasMessage {
		o.HasMsg = true
		if e.Message != nil {
			o.Message = *e.Message
		}
	}
	if o.Type == "" {
		if v := o.Header.Get("X-Amzn-Errortype"); v != "" {
			o.Type = NormaliseType(v)
		}
	}
}

// Member returns a top-level or dotted-path member of the JSON response body.
func (o *Outcome) Member(path string) (any, bool) {
	var v any
	if o == nil || json.Unmarshal(o.Body, &v) != nil {
		return nil, false
	}
	for _, p := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[p]; !ok {
			return nil, false
		}
	}
	return v, true
}

// Blob decodes a base64 member of the response body.
func (o *Outcome) Blob(path string) ([]byte, error) {
	v, ok := o.Member(path)
	if !ok {
		return nil, fmt.Errorf("response has no %s", path)
	}
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("response %s is %T, not a base64 string", path, v)
	}
	return base64.StdEncoding.DecodeString(s)
}

// Summary is the observed outcome in one line: status, code, message.
func (o *Outcome) Summary() string {
	switch {
	case o == nil:
		return "no call was made"
	case o.Status == 0 && o.Err != nil:
		return "no HTTP response: " + o.Err.Error()
	case o.Status == http.StatusOK:
		return "HTTP 200 " + string(Elide(o.Body))
	}
	s := fmt.Sprintf("HTTP %d %s", o.Status, textutil.OrDash(o.Type))
	switch {
	case o.HasMsg:
		s += fmt.Sprintf(" message %q", o.Message)
	case o.Type != "":
		s += " (no message)"
	default:
		s += " body " + bodyHint(o.Body)
	}
	return s
}

var htmlTitle = regexp.MustCompile(`(?is)<title>(.*?)</title>`)

// bodyHint shortens a non-JSON error body (e.g. an HTML error page).
func bodyHint(b []byte) string {
	if len(b) == 0 {
		return "(empty)"
	}
	if m := htmlTitle.FindSubmatch(b); m != nil {
		return fmt.Sprintf("(HTML page %q, %d bytes)", strings.TrimSpace(string(m[1])), len(b))
	}
	return textutil.Clip(strings.Join(strings.Fields(string(Elide(b))), " "), 200)
}

// RequestLine is the request in one line with secrets and bulk elided.
func (o *Outcome) RequestLine() string {
	if o == nil {
		return "(none)"
	}
	return fmt.Sprintf("%s via %s %s", o.Op, o.Client, Elide(o.Request))
}

// elided lists members whose value is shown only by length: message
// bodies, tags and key material (never print key material or messages).
var elided = map[string]bool{"Message": true, "Mac": true, "EncryptedKeyMaterial": true,
	"ImportToken": true, "Plaintext": true, "PublicKey": true, "CiphertextBlob": true}

// Elide renders a JSON body with the values of sensitive or bulky blob
// members replaced by "<N bytes>" and long strings clipped.
func Elide(body []byte) []byte {
	if len(body) == 0 {
		return []byte("(empty)")
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return []byte(textutil.Clip(string(body), 200))
	}
	v = elideValue("", v)
	out, err := textutil.MarshalSorted(v)
	if err != nil {
		return []byte(textutil.Clip(string(body), 200))
	}
	return out
}

func elideValue(key string, v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = elideValue(k, x)
		}
		return t
	case []any:
		if len(t) > 4 {
			return fmt.Sprintf("<list of %d>", len(t))
		}
		for i, x := range t {
			t[i] = elideValue(key, x)
		}
		return t
	case string:
		if elided[key] {
			if b, err := base64.StdEncoding.DecodeString(t); err == nil {
				return fmt.Sprintf("<%d bytes>", len(b))
			}
			return fmt.Sprintf("<%d chars, not base64>", len(t))
		}
		if len(t) > 120 {
			return fmt.Sprintf("%s...<%d chars>", t[:40], len(t))
		}
	}
	return v
}
