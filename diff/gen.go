package diff

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/kmsmac/kmsmac/kmsspec"
)

// Case is one generated request and the kind of input it exercises.
type Case struct {
	ID   int      `json:"id"`
	Kind string   `json:"kind"`
	Req  *Request `json:"request"`
}

// category is one kind of generated input and its share of the run.
type category struct {
	name   string
	weight int
	build  func(g *gen) *Request
}

// categories: mostly valid calls, then every documented way to fail
// (rules.md §2–§8). The first len(categories) cases take one of each, so
// even a short run covers them all.
var categories = []category{
	{"generate", 14, (*gen).generate},
	{"verify", 14, (*gen).verify},
	{"message-size", 6, (*gen).messageSize},
	{"mac-size", 5, (*gen).macSize},
	{"wrong-algorithm", 6, (*gen).wrongAlgorithm},
	{"bad-mac", 12, (*gen).badMac},
	{"unknown-algorithm", 5, (*gen).unknownAlgorithm},
	{"missing-member", 6, (*gen).missingMember},
	{"bad-key-id", 8, (*gen).badKeyID},
	{"grant-tokens", 5, (*gen).grantTokens},
	{"dry-run", 5, (*gen).dryRun},
	{"disabled-key", 5, (*gen).disabledKey},
	{"describe-key", 4, (*gen).describeKey},
}

// Generate returns n cases, the same for the same seed.
func Generate(seed int64, n int) []Case {
	g := &gen{r: rand.New(rand.NewPCG(uint64(seed), 0x6b6d736d6163)), n: map[string]int{}}
	total := 0
	for _, c := range categories {
		total += c.weight
	}
	cases := make([]Case, 0, n)
	for i := 0; i < n; i++ {
		c := categories[i%len(categories)]
		if i >= len(categories) {
			w := g.r.IntN(total)
			for _, cc := range categories {
				if w < cc.weight {
					c = cc
					break
				}
				w -= cc.weight
			}
		}
		cases = append(cases, Case{ID: i + 1, Kind: c.name, Req: c.build(g)})
	}
	return cases
}

type gen struct {
	r *rand.Rand
	n map[string]int // per-list counters for cycling through boundary values
}

var macSlots = []string{"k1", "k2", "k3", "k4"}

var forms = []string{FormID, FormARN, FormAlias, FormAliasARN}

func (g *gen) pick(l []string) string { return l[g.r.IntN(len(l))] }

// next cycles through l, one counter per use, so every boundary value
// comes up once per len(l) cases of its category.
func (g *gen) next(use string, l []int) int {
	i := g.n[use]
	g.n[use]++
	return l[i%len(l)]
}

func algOf(slot string) string {
	s, _ := kmsspec.ByKeySpec(slotByName(slot).Spec)
	return s.Algorithm
}

func sizeOf(slot string) int {
	s, _ := kmsspec.ByKeySpec(slotByName(slot).Spec)
	return s.Size
}

// msgSize favours small messages and the edges of hash blocks and limits.
func (g *gen) msgSize() int {
	switch g.r.IntN(4) {
	case 0, 1:
		return 1 + g.r.IntN(4096)
	case 2:
		return 1 + g.r.IntN(64)
	}
	return []int{1, 2, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 4095, 4096}[g.r.IntN(14)]
}

func (g *gen) bytes(n int) Blob {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	return b
}

// macRequest is a valid GenerateMac or VerifyMac on slot.
func (g *gen) macRequest(op, slot string, size int) *Request {
	r := &Request{Op: op, Members: []Member{
		{"KeyId", KeyRef{Slot: slot, Form: g.pick(forms)}},
		{"Message", g.bytes(size)},
		{"MacAlgorithm", litString(algOf(slot))},
	}}
	if op == "VerifyMac" {
		r.Members = append(r.Members, Member{"Mac", MacOf{Slot: slot, Mut: MutNone}})
	}
	return r
}

func (g *gen) op() string {
	if g.r.IntN(2) == 0 {
		return "GenerateMac"
	}
	return "VerifyMac"
}

// decorate adds optional members that should change nothing (MAC-GT-1,
// DryRun false), so shrinking has something to remove and a difference
// in how they are handled shows up.
func (g *gen) decorate(r *Request) *Request {
	if g.r.IntN(8) == 0 {
		r.Members = append(r.Members, Member{"GrantTokens", Tokens(0)})
	}
	if g.r.IntN(8) == 0 {
		r.Members = append(r.Members, Member{"DryRun", Lit("false")})
	}
	return r
}

func (g *gen) set(r *Request, name string, v Value) *Request {
	for i := range r.Members {
		if r.Members[i].Name == name {
			r.Members[i].Value = v
			return r
		}
	}
	r.Members = append(r.Members, Member{name, v})
	return r
}

func (g *gen) generate() *Request {
	return g.decorate(g.macRequest("GenerateMac", g.pick(macSlots), g.msgSize()))
}

func (g *gen) verify() *Request {
	return g.decorate(g.macRequest("VerifyMac", g.pick(macSlots), g.msgSize()))
}

// messageSize: Message at and past its limits (MAC-SIZE-1..3).
func (g *gen) messageSize() *Request {
	return g.macRequest(g.op(), g.pick(macSlots), g.next("message", []int{0, 1, 4096, 4097}))
}

// macSize: Mac at and past its limits (VM-SIZE-1..3).
func (g *gen) macSize() *Request {
	r := g.macRequest("VerifyMac", g.pick(macSlots), g.msgSize())
	return g.set(r, "Mac", g.bytes(g.next("mac", []int{0, 1, 6144, 6145})))
}

// wrongAlgorithm: a valid algorithm the key's spec does not support (ALG-2..4).
func (g *gen) wrongAlgorithm() *Request {
	slot := g.pick(macSlots)
	var others []string
	for _, a := range kmsspec.Algorithms() {
		if a != algOf(slot) {
			others = append(others, a)
		}
	}
	r := g.macRequest(g.op(), slot, g.msgSize())
	return g.set(r, "MacAlgorithm", litString(g.pick(others)))
}

// badMac: every way a tag can be wrong (VM-FAIL-1..3, VM-FAIL-6).
func (g *gen) badMac() *Request {
	slot := g.pick(macSlots)
	size := sizeOf(slot)
	var m Value
	switch g.r.IntN(5) {
	case 0:
		m = MacOf{Slot: slot, Mut: MutFlip, N: g.r.IntN(size * 8)}
	case 1:
		m = MacOf{Slot: slot, Mut: MutTruncate, N: 1 + g.r.IntN(size-1)}
	case 2:
		m = MacOf{Slot: slot, Mut: MutExtend, N: 1 + g.r.IntN(64)}
	case 3:
		slot = "k2" // the only spec with two keys
		m = MacOf{Slot: slot, Mut: MutOtherKey, Other: "k5"}
	default:
		m = g.bytes(size)
	}
	r := g.macRequest("VerifyMac", slot, g.msgSize())
	return g.decorate(g.set(r, "Mac", m))
}

var unknownAlgorithms = []string{"INVALID", "HMAC_SHA_1", "hmac_sha_256", "HMAC_SHA_256 ", "", "SHA_256", "HMAC_SHA3_256", "HMAC_256"}

// unknownAlgorithm: a value outside the enum (MAC-ENUM-1, MAC-ENUM-2).
func (g *gen) unknownAlgorithm() *Request {
	r := g.macRequest(g.op(), g.pick(macSlots), g.msgSize())
	return g.set(r, "MacAlgorithm", litString(g.pick(unknownAlgorithms)))
}

// missingMember: one required member left out (MAC-REQ-1, MAC-REQ-2).
func (g *gen) missingMember() *Request {
	r := g.macRequest(g.op(), g.pick(macSlots), g.msgSize())
	i := g.r.IntN(len(r.Members))
	r.Members = append(r.Members[:i], r.Members[i+1:]...)
	return r
}

func (g *gen) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.r.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// badKeyID: key ids that are malformed or name nothing (KID-6..11, MAC-SIZE-4/5).
func (g *gen) badKeyID() *Request {
	id := g.uuid()
	ids := []string{
		"not-a-key-id",
		"",
		strings.Repeat("k", 2049),
		id,
		strings.ReplaceAll(id, "-", ""),
		"mrk-" + strings.ReplaceAll(g.uuid(), "-", ""),
		"arn:aws:kms:<region>:<account>:key/" + id,
		"arn:aws:kms:<other-region>:<account>:key/" + id,
		"alias/kmsmac-diff-missing",
		"arn:aws:kms:<region>:<account>:alias/kmsmac-diff-missing",
		"alias/",
	}
	r := g.macRequest(g.op(), g.pick(macSlots), g.msgSize())
	return g.set(r, "KeyId", Tmpl(g.pick(ids)))
}

// grantTokens: the list at and past its limit (MAC-GT-1, MAC-GT-2, MAC-GT-4).
func (g *gen) grantTokens() *Request {
	r := g.macRequest(g.op(), g.pick(macSlots), g.msgSize())
	return g.set(r, "GrantTokens", Tokens(g.next("tokens", []int{0, 1, 10, 11})))
}

// dryRun: a request that would succeed, with DryRun (DRY-2).
func (g *gen) dryRun() *Request {
	r := g.macRequest(g.op(), g.pick(macSlots), g.msgSize())
	return g.set(r, "DryRun", Lit("true"))
}

// disabledKey: both operations on the disabled key (STATE-2).
func (g *gen) disabledKey() *Request {
	return g.decorate(g.macRequest(g.op(), "k6", g.msgSize()))
}

// describeKey: the metadata of each key (DK-1, DK-2).
func (g *gen) describeKey() *Request {
	slot := g.pick([]string{"k1", "k2", "k3", "k4", "k6"})
	return &Request{Op: "DescribeKey", Members: []Member{{"KeyId", KeyRef{Slot: slot, Form: g.pick(forms)}}}}
}
