package diff

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/kmsmac/kmsmac/internal/awsraw"
)

// Outcome is one side's answer to one request, normalised so the two sides
// can be compared: endpoint-specific names are placeholders, timestamps are
// "<time>", and without shared key material a MAC is only its length.
type Outcome struct {
	Status  int            `json:"status"`
	Code    string         `json:"code,omitempty"`    // error code, "" on success
	Message *string        `json:"message,omitempty"` // nil: no message member
	Fields  map[string]any `json:"fields,omitempty"`  // success body
	Error   string         `json:"error,omitempty"`   // transport failure
}

// nonJSON stands for the code of an answer whose body is not JSON.
const nonJSON = "<non-JSON body>"

// errorCode is the error shape name, from __type (cut after '#', before
// ':', WIRE-9), the X-Amzn-ErrorType header or a "code" member.
func errorCode(r *Response) string {
	t := awsraw.ParseError(r.Body).Type
	if t == "" && r.Header != nil {
		t = awsraw.NormaliseType(r.Header.Get("X-Amzn-Errortype"))
	}
	if t == "" {
		var e struct {
			Code string `json:"code"`
		}
		_ = json.Unmarshal(r.Body, &e)
		t = awsraw.NormaliseType(e.Code)
	}
	if t == "" && !json.Valid(r.Body) {
		return nonJSON
	}
	return t
}

// errorMessage is message or Message, or the body when it is not JSON.
func errorMessage(r *Response) string {
	e := awsraw.ParseError(r.Body)
	switch {
	case !e.JSON:
		return string(r.Body)
	case e.Message != nil:
		return *e.Message
	}
	return ""
}

// names maps one side's endpoint-specific strings to placeholders.
type names struct {
	rep *strings.Replacer
}

// newNames builds the replacement; pairs are old, new. Longer strings go
// first so a key ARN is replaced whole, not its key id inside it.
func newNames(pairs [][2]string) names {
	sort.SliceStable(pairs, func(i, j int) bool { return len(pairs[i][0]) > len(pairs[j][0]) })
	var args []string
	for _, p := range pairs {
		if p[0] != "" {
			args = append(args, p[0], p[1])
		}
	}
	return names{rep: strings.NewReplacer(args...)}
}

func (n names) apply(s string) string {
	if n.rep == nil {
		return s
	}
	return normEnumSet(n.rep.Replace(s))
}

// enumSet matches the allowed-values list of a validation message, whose
// order is service-defined (VAL-FMT-3).
var enumSet = regexp.MustCompile(`enum value set: \[([^\]]*)\]`)

func normEnumSet(s string) string {
	return enumSet.ReplaceAllStringFunc(s, func(m string) string {
		inner := enumSet.FindStringSubmatch(m)[1]
		items := strings.Split(inner, ",")
		for i := range items {
			items[i] = strings.TrimSpace(items[i])
		}
		sort.Strings(items)
		return "enum value set: [" + strings.Join(items, ", ") + "]"
	})
}

// normalise turns a raw answer into an Outcome. compareMAC false hides
// the bytes of a Mac member behind its length.
func normalise(r *Response, err error, n names, compareMAC bool) Outcome {
	if err != nil {
		return Outcome{Error: n.apply(err.Error())}
	}
	o := Outcome{Status: r.Status}
	if r.Status != http.StatusOK {
		o.Code = n.apply(errorCode(r))
		switch e := awsraw.ParseError(r.Body); {
		case !e.JSON:
			s := n.apply(snippet(string(r.Body), 300))
			o.Message = &s
		case e.Message != nil:
			s := n.apply(*e.Message)
			o.Message = &s
		}
		return o
	}
	var m map[string]any
	if json.Unmarshal(r.Body, &m) != nil {
		o.Code = nonJSON
		s := snippet(string(r.Body), 300)
		o.Message = &s
		return o
	}
	if s, ok := m["Mac"].(string); ok {
		if b, err := base64.StdEncoding.DecodeString(s); err == nil && !compareMAC {
			m["Mac"] = macLen(len(b))
		}
	}
	o.Fields = normValue(m, n, "").(map[string]any)
	return o
}

func macLen(n int) string {
	return "<" + strconv.Itoa(n) + "-byte mac>"
}

// normValue replaces names in every string, except the Mac blob, and
// timestamps (members named *Date or ValidTo) with "<time>".
func normValue(v any, n names, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normValue(e, n, k)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normValue(e, n, key)
		}
		return out
	case string:
		if key == "Mac" {
			return x
		}
		return n.apply(x)
	case float64:
		if strings.HasSuffix(key, "Date") || key == "ValidTo" {
			return "<time>"
		}
		return x
	}
	return v
}
