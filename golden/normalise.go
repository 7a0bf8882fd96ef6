package golden

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/target"
)

// Names is what a scenario calls the things it made, for the normaliser:
// every id, ARN, alias and grant token it knows becomes its name.
type Names struct {
	Keys    []Key
	Aliases map[string]string // scenario name -> "alias/kmsmac-..."
	Grants  []Grant
	Target  *target.Target // account, partition and region
}

// Key is a scenario key as the normaliser needs it.
type Key struct {
	Name, ID, ARN, Origin string
	Material              []byte // imported material: its MACs are checked, not hidden
}

// Grant is a scenario grant as the normaliser needs it.
type Grant struct{ Name, ID, Token string }

// Taped is one call a scenario asserted on, and the scenario key its
// request named (nil when none).
type Taped struct {
	Outcome *target.Outcome
	Key     *Key
}

// Normalise turns a scenario's taped calls into recorded Calls, with
// everything the scenario knows at its end (keys named after a call
// still get their name).
func Normalise(names Names, calls []Taped) []Call {
	n := newNormaliser(names)
	out := make([]Call, 0, len(calls))
	for _, tc := range calls {
		out = append(out, n.call(tc))
	}
	return out
}

// normaliser rewrites what differs between targets and runs (ids, ARNs,
// account, region, times, tokens, MACs of generated keys) into the
// World's names, so recordings from two targets compare.
type normaliser struct {
	repl  *strings.Replacer
	uuids map[string]string
}

var (
	uuidRE  = regexp.MustCompile(`(?i)\b(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b`)
	hex64RE = regexp.MustCompile(`\b[0-9a-f]{64}\b`)
	// arnRE finds region and account in any ARN, for runs that have not
	// learned the account yet (a scenario that created no key).
	arnRE      = regexp.MustCompile(`\barn:(aws[a-z-]*):([a-z0-9]*):([a-z0-9-]*):(\d{12}):`)
	timeMember = regexp.MustCompile(`(Date|ValidTo|Time|Timestamp)$`)
)

func newNormaliser(w Names) *normaliser {
	var pairs []string
	add := func(from, to string) {
		if from != "" {
			pairs = append(pairs, from, to)
		}
	}
	// Longest first (orderPairs): an ARN contains its key id, an alias ARN its name.
	for _, k := range w.Keys {
		add(k.ARN, "<key-arn:"+k.Name+">")
		add(k.ID, "<key-id:"+k.Name+">")
	}
	t := w.Target
	partition, account := t.Account()
	for _, name := range textutil.SortedKeys(w.Aliases) {
		a := w.Aliases[name]
		if account != "" {
			add("arn:"+partition+":kms:"+t.Region+":"+account+":"+a, "<alias-arn:"+name+">")
		}
		add(a, "<alias:"+name+">")
	}
	for _, g := range w.Grants {
		add(g.Token, "<grant-token:"+g.Name+">")
		add(g.ID, "<grant-id:"+g.Name+">")
	}
	add(account, "<account>")
	add(t.Region, "<region>")
	add(t.RunID, "<run-id>") // the run tag, echoed in ReplicaTags
	return &normaliser{repl: strings.NewReplacer(orderPairs(pairs)...), uuids: map[string]string{}}
}

// orderPairs puts longer search strings first, so an ARN is replaced
// before the key id inside it (strings.Replacer tries pairs in order at
// each position).
func orderPairs(p []string) []string {
	type pr struct{ from, to string }
	ps := make([]pr, 0, len(p)/2)
	for i := 0; i+1 < len(p); i += 2 {
		ps = append(ps, pr{p[i], p[i+1]})
	}
	sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].from) > len(ps[j].from) })
	out := make([]string, 0, len(p))
	for _, x := range ps {
		out = append(out, x.from, x.to)
	}
	return out
}

// text normalises a string: known names first, then ids nobody named
// (numbered in order of appearance within the scenario).
func (n *normaliser) text(s string) string {
	s = n.repl.Replace(s)
	s = arnRE.ReplaceAllStringFunc(s, func(a string) string {
		m := arnRE.FindStringSubmatch(a)
		region := m[3]
		if region != "" {
			region = "<region>"
		}
		return "arn:" + m[1] + ":" + m[2] + ":" + region + ":<account>:"
	})
	s = uuidRE.ReplaceAllStringFunc(s, func(id string) string {
		if v, ok := n.uuids[id]; ok {
			return v
		}
		v := fmt.Sprintf("<id:#%d>", len(n.uuids)+1)
		n.uuids[id] = v
		return v
	})
	return hex64RE.ReplaceAllString(s, "<hex64>")
}

// value normalises a decoded JSON value; member is its member name.
func (n *normaliser) value(member string, v any, generatedMAC bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for _, k := range textutil.SortedKeys(t) { // sorted: numbering is stable
			out[k] = n.value(k, t[k], generatedMAC)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = n.value(member, x, generatedMAC)
		}
		return out
	case json.Number, float64:
		if timeMember.MatchString(member) {
			return "<time>"
		}
		return t
	case string:
		return n.member(member, t, generatedMAC)
	}
	return v
}

func (n *normaliser) member(member, s string, generatedMAC bool) any {
	switch {
	case timeMember.MatchString(member):
		return "<time>"
	case member == "Mac" && generatedMAC:
		return fmt.Sprintf("<mac:%d bytes>", b64len(s))
	case member == "ImportToken", member == "GrantToken" && !strings.HasPrefix(n.repl.Replace(s), "<grant-token:"):
		return "<" + strings.ToLower(member[:1]) + member[1:] + ">"
	case member == "PublicKey":
		return fmt.Sprintf("<public-key:%d bytes>", b64len(s))
	case member == "CiphertextBlob", member == "Signature", member == "CiphertextForRecipient":
		return fmt.Sprintf("<%s>", member)
	case member == "NextMarker":
		return "<marker>"
	}
	return n.text(s)
}

// importedMAC: material imported by a scenario is random, so its MACs
// differ from run to run; what compares is whether the MAC is the HMAC of
// that material (RFC 2104, computed here). A MAC that is not stays as is.
func importedMAC(k *Key, req []byte, got string) string {
	var r struct {
		Message      []byte
		MacAlgorithm string
	}
	if json.Unmarshal(req, &r) != nil || k.Material == nil {
		return got
	}
	if _, ok := kmsspec.ByAlgorithm(r.MacAlgorithm); !ok {
		return got
	}
	want := kmsspec.HMAC(r.MacAlgorithm, k.Material, r.Message)
	if base64.StdEncoding.EncodeToString(want) != got {
		return got
	}
	return fmt.Sprintf("<mac:%d bytes, the HMAC of the imported material>", len(want))
}

func b64len(s string) int {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return -1
	}
	return len(b)
}

// listMembers are account-wide lists: only entries that name something of
// the scenario stay (a real account has other keys and AWS aliases).
var listMembers = map[string]bool{"Keys": true, "Aliases": true}

func (n *normaliser) call(tc Taped) Call {
	o := tc.Outcome
	c := Call{Op: n.text(o.Op), Status: o.Status}
	switch {
	case o.Status == 0:
		c.Error = "no HTTP response"
		return c
	case o.Status == http.StatusOK && o.Err != nil:
		c.Error = "the client could not read the 200 response"
	case o.Status != http.StatusOK:
		c.Type = o.Type
		if o.HasMsg {
			m := n.text(o.Message)
			c.Message = &m
		}
		if o.Type == "" {
			c.Error = "error body is not a JSON error"
		}
		return c
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(o.Body))
	d.UseNumber()
	if d.Decode(&v) != nil {
		c.Response = mustJSONRaw(fmt.Sprintf("<not JSON: %d bytes>", len(o.Body)))
		return c
	}
	if m, ok := v.(map[string]any); ok {
		for k := range listMembers {
			if l, ok := m[k].([]any); ok {
				m[k] = n.ownEntries(l)
			}
		}
	}
	generated := tc.Key == nil || (tc.Key.Material == nil && tc.Key.Origin != "EXTERNAL")
	v = n.value("", v, generated)
	if m, ok := v.(map[string]any); ok && !generated {
		if s, ok := m["Mac"].(string); ok {
			m["Mac"] = importedMAC(tc.Key, o.Request, s)
		}
	}
	b, err := textutil.MarshalSorted(v)
	if err != nil {
		b = mustJSONRaw("<unencodable>")
	}
	c.Response = b
	return c
}

// ownEntries keeps the raw list entries that name a scenario key or alias
// (before ids are numbered, so other keys never shift the numbering).
func (n *normaliser) ownEntries(l []any) []any {
	out := []any{}
	for _, e := range l {
		b, _ := textutil.MarshalSorted(e)
		s := n.repl.Replace(string(b))
		if strings.Contains(s, "<key-") || strings.Contains(s, "<alias") {
			out = append(out, e)
		}
	}
	return out
}

func mustJSONRaw(s string) json.RawMessage {
	b, _ := textutil.MarshalSorted(s)
	return b
}
