package diff

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Request is one generated request: an operation and its JSON members in
// wire order. Values that differ per endpoint (key ids, MACs of keys that
// were not imported) are symbolic and rendered for each side.
type Request struct {
	Op      string   `json:"op"`
	Members []Member `json:"-"`
}

// Member is one JSON member of a request.
type Member struct {
	Name  string
	Value Value
}

// Value is a member value. JSON renders it for one side; String is the
// placeholder form printed in reports.
type Value interface {
	JSON(ctx context.Context, s *side, r *Request) ([]byte, error)
	String() string
}

func (r *Request) get(name string) (Value, bool) {
	for _, m := range r.Members {
		if m.Name == name {
			return m.Value, true
		}
	}
	return nil, false
}

// message is the request's Message bytes (nil when absent or symbolic).
func (r *Request) message() []byte {
	v, _ := r.get("Message")
	if b, ok := v.(Blob); ok {
		return b
	}
	return nil
}

// clone copies the member list so shrinking can edit it.
func (r *Request) clone() *Request {
	c := &Request{Op: r.Op, Members: make([]Member, len(r.Members))}
	copy(c.Members, r.Members)
	return c
}

// render is the body sent to one side.
func (r *Request) render(ctx context.Context, s *side) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, m := range r.Members {
		if i > 0 {
			buf.WriteByte(',')
		}
		name, _ := marshal(m.Name)
		buf.Write(name)
		buf.WriteByte(':')
		v, err := m.Value.JSON(ctx, s, r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name, err)
		}
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// String is the request with placeholders, e.g.
// GenerateMac {"KeyId":"<key-arn:k1>","Message":"AA==","MacAlgorithm":"HMAC_SHA_224"}.
func (r *Request) String() string {
	var b strings.Builder
	b.WriteString(r.Op + " {")
	for i, m := range r.Members {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", m.Name, m.Value.String())
	}
	b.WriteByte('}')
	return b.String()
}

// MarshalJSON writes the placeholder form for --json reports.
func (r *Request) MarshalJSON() ([]byte, error) {
	body := make([]string, len(r.Members))
	for i, m := range r.Members {
		name, _ := marshal(m.Name)
		body[i] = string(name) + ":" + m.Value.String()
	}
	return marshal(struct {
		Op   string          `json:"op"`
		Body json.RawMessage `json:"body"`
	}{r.Op, json.RawMessage(validOr("{"+strings.Join(body, ",")+"}", r))})
}

// validOr returns s when it is valid JSON, else the request as a string.
func validOr(s string, r *Request) string {
	if json.Valid([]byte(s)) {
		return s
	}
	q, _ := marshal(r.String())
	return string(q)
}

// marshal is json.Marshal without HTML escaping, so placeholders such as
// <key-arn:k1> stay readable.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Lit is a literal JSON value, the same on both sides.
type Lit string

func (l Lit) JSON(context.Context, *side, *Request) ([]byte, error) { return []byte(l), nil }
func (l Lit) String() string                                        { return string(l) }

func litString(s string) Lit {
	b, _ := marshal(s)
	return Lit(b)
}

// Blob is a blob member (Message, Mac), base64 on the wire.
type Blob []byte

func (b Blob) JSON(context.Context, *side, *Request) ([]byte, error) {
	return marshal(base64.StdEncoding.EncodeToString(b))
}

// maxShownBlob is the longest blob printed in full; longer ones are
// described by length and digest (the --json report has the exact bodies).
const maxShownBlob = 48

func (b Blob) String() string {
	if len(b) <= maxShownBlob {
		q, _ := marshal(base64.StdEncoding.EncodeToString(b))
		return string(q)
	}
	sum := sha256.Sum256(b)
	return fmt.Sprintf(`"<%d bytes, sha256 %s…>"`, len(b), hex.EncodeToString(sum[:6]))
}

// Key forms a KeyId can take (KID-1).
const (
	FormID       = "key-id"
	FormARN      = "key-arn"
	FormAlias    = "alias"
	FormAliasARN = "alias-arn"
)

// KeyRef names a key the run created, in one of the four forms.
type KeyRef struct {
	Slot string
	Form string
}

func (k KeyRef) JSON(_ context.Context, s *side, _ *Request) ([]byte, error) {
	ki, ok := s.keys[k.Slot]
	if !ok {
		return nil, fmt.Errorf("no key %s on %s", k.Slot, s.label)
	}
	var v string
	switch k.Form {
	case FormID:
		v = ki.ID
	case FormARN:
		v = ki.ARN
	case FormAlias:
		v = ki.Alias
	case FormAliasARN:
		v = ki.AliasARN
	}
	if v == "" {
		return nil, fmt.Errorf("key %s has no %s on %s", k.Slot, k.Form, s.label)
	}
	return marshal(v)
}

func (k KeyRef) String() string { return `"<` + k.Form + ":" + k.Slot + `>"` }

// Tmpl is a string in which <account> and <region> become the side's (an
// unknown key ARN must name each endpoint's own account) and
// <other-region> a region that is not the side's.
type Tmpl string

func (t Tmpl) JSON(_ context.Context, s *side, _ *Request) ([]byte, error) {
	other := "us-west-2"
	if s.region == other {
		other = "eu-west-1"
	}
	v := strings.NewReplacer("<account>", s.account, "<region>", s.region, "<other-region>", other).Replace(string(t))
	return marshal(v)
}

func (t Tmpl) String() string {
	q, _ := marshal(string(t))
	return string(q)
}

// Tokens is a GrantTokens list of N syntactically valid, unknown tokens.
type Tokens int

func (t Tokens) JSON(context.Context, *side, *Request) ([]byte, error) {
	return marshal(t.list())
}

func (t Tokens) list() []string {
	l := make([]string, int(t))
	for i := range l {
		l[i] = "kmsmac-diff-token-" + strconv.Itoa(i+1)
	}
	return l
}

func (t Tokens) String() string {
	b, _ := marshal(t.list())
	return string(b)
}

// MAC mutations for VerifyMac.
const (
	MutNone     = "valid"
	MutFlip     = "flip-bit"  // N: bit index
	MutTruncate = "truncate"  // N: bytes kept
	MutExtend   = "extend"    // N: bytes appended
	MutOtherKey = "other-key" // the MAC of another key (Other) over the same message
)

// MacOf is the MAC of a key the run created over the request's own
// Message, possibly mutated. With imported material it is computed
// locally and identical on both sides; otherwise each side's GenerateMac
// gives it.
type MacOf struct {
	Slot  string
	Mut   string
	N     int
	Other string
}

func (m MacOf) JSON(ctx context.Context, s *side, r *Request) ([]byte, error) {
	slot := m.Slot
	if m.Mut == MutOtherKey {
		slot = m.Other
	}
	tag := s.macFor(ctx, slot, r.message())
	switch m.Mut {
	case MutFlip:
		if len(tag) > 0 {
			i := m.N % (len(tag) * 8)
			tag[i/8] ^= 1 << (i % 8)
		}
	case MutTruncate:
		if m.N < len(tag) {
			tag = tag[:m.N]
		}
	case MutExtend:
		for i := 0; i < m.N; i++ {
			tag = append(tag, byte(i*37+11))
		}
	}
	return marshal(base64.StdEncoding.EncodeToString(tag))
}

func (m MacOf) String() string {
	switch m.Mut {
	case MutNone:
		return `"<mac:` + m.Slot + `>"`
	case MutOtherKey:
		return `"<mac:` + m.Other + `>"`
	}
	return fmt.Sprintf(`"<mac:%s %s %d>"`, m.Slot, m.Mut, m.N)
}
