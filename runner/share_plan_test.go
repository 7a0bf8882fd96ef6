package runner

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v26"
	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/kmsmac/kmsmac/features"
	"github.com/kmsmac/kmsmac/keypool"
	"github.com/kmsmac/kmsmac/steps"
)

func step(text string, table ...string) *godog.Step {
	st := &godog.Step{Text: text}
	if len(table) > 0 {
		dt := &messages.PickleTable{}
		for i := 0; i+1 < len(table); i += 2 {
			dt.Rows = append(dt.Rows, &messages.PickleTableRow{Cells: []*messages.PickleTableCell{{Value: table[i]}, {Value: table[i+1]}}})
		}
		st.Argument = &messages.PickleStepArgument{DataTable: dt}
	}
	return st
}

func kind(spec, usage, origin string, slot int) keypool.Kind {
	return keypool.Kind{Spec: spec, Usage: usage, Origin: origin, Slot: slot}
}

// Sharing is what the scenario declares: nothing without the tag, every
// declared key with it, one slot per key of a kind.
func TestPlanSharing(t *testing.T) {
	sts := []*godog.Step{step(`an HMAC_256 key "A"`), step(`an HMAC_256 key "B"`), step(`an HMAC_384 key "X" without key material`),
		step(`a SYMMETRIC_DEFAULT key "E" with usage ENCRYPT_DECRYPT`), step(`key "A" is in state Disabled`)}
	if p := planSharing(false, sts); len(p.slot) != 0 || !p.creates {
		t.Errorf("untagged: shared %v creates %v; want nothing shared", p.slot, p.creates)
	}
	p := planSharing(true, sts)
	want := map[string]keypool.Kind{"A": kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 0), "B": kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 1),
		"X": kind("HMAC_384", "GENERATE_VERIFY_MAC", "EXTERNAL", 0), "E": kind("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", 0)}
	if fmt.Sprint(p.slot) != fmt.Sprint(want) || p.creates {
		t.Errorf("tagged: shared %v creates %v; want %v", p.slot, p.creates, want)
	}
}

func TestPlanSharingGivenAlias(t *testing.T) {
	pk := kind("HMAC_256", "GENERATE_VERIFY_MAC", "AWS_KMS", 0)
	sts := []*godog.Step{step(`an HMAC_256 key "K"`), step(`an alias "A" for key "K"`)}
	p := planSharing(true, sts)
	got := p.resolveAliases(func(k keypool.Kind) string { return map[keypool.Kind]string{pk: "alias/mine"}[k] })
	if got["A"] != "alias/mine" || p.slot["K"] != pk || p.creates {
		t.Fatalf("given alias: %v, plan %+v", got, p)
	}
	// Without a given alias of that key, the alias is created: K is the scenario's own.
	p = planSharing(true, sts)
	if got := p.resolveAliases(func(keypool.Kind) string { return "" }); len(got) != 0 || len(p.slot) != 0 || !p.creates {
		t.Fatalf("no given alias: %v, plan %+v", got, p)
	}
}

// What a @shared-key scenario's steps may do, read from their text: the
// static half of the promise (TestSharedKeyIsNeverChanged is the runtime
// half), so a wrong tag is caught before any run.
var (
	callStep  = regexp.MustCompile(`^I (?:call|send a raw) (\S+)(?: raw)?(?: request)? (?:for key "([^"]+)"|with(?: body)?:|on ciphertext "[^"]+" with:)$`)
	keyRefIn  = regexp.MustCompile(`key(?:-id|-arn)?:([^\s"<>|,}]+)`)
	quotedArg = regexp.MustCompile(`"([^"]+)"`)
	readSteps = regexp.MustCompile(`^(I generate a MAC of |I compute the HMAC_SHA_\d+ of |key "[^"]+" reaches state \w+$|` +
		`alias "[^"]+" reaches key "[^"]+"$|a ciphertext "[^"]+" of "[^"]*" under key "[^"]+"|I keep the response |the )`)
)

func TestSharedKeyScenariosOnlyRead(t *testing.T) {
	var problems []string
	tagged := 0
	err := fs.WalkDir(features.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".feature" {
			return err
		}
		b, err := fs.ReadFile(features.FS, p)
		if err != nil {
			return err
		}
		doc, err := gherkin.ParseGherkinDocument(strings.NewReader(string(b)), (&messages.Incrementing{}).NewId)
		if err != nil {
			return err
		}
		for _, pk := range gherkin.Pickles(*doc, p, (&messages.Incrementing{}).NewId) {
			shared := false
			for _, tag := range pk.Tags {
				shared = shared || tag.Name == steps.SharedKeyTag
			}
			if !shared {
				continue
			}
			tagged++
			for _, why := range changesSharedKey(pk.Steps) {
				problems = append(problems, fmt.Sprintf("%s: %q is %s but %s", p, pk.Name, steps.SharedKeyTag, why))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if tagged == 0 {
		t.Fatalf("no scenario is %s: the check checked nothing", steps.SharedKeyTag)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// The checker catches what it must, or the test above proves nothing.
func TestChangesSharedKey(t *testing.T) {
	gen := step("I call GenerateMac with:", "KeyId", "key:K", "MacAlgorithm", "HMAC_SHA_256")
	decl := step(`an HMAC_256 key "K"`)
	for name, c := range map[string]struct {
		sts     []*godog.Step
		changes bool
	}{
		"read only":     {[]*godog.Step{decl, gen, step("the call succeeds"), step(`I call DescribeKey for key "K"`)}, false},
		"state change":  {[]*godog.Step{decl, step(`key "K" is in state Disabled`)}, true},
		"call for key":  {[]*godog.Step{decl, step(`I call DisableKey for key "K"`)}, true},
		"grant":         {[]*godog.Step{decl, step(`a grant "G" on key "K" for GenerateMac`)}, true},
		"tag by table":  {[]*godog.Step{decl, step("I call TagResource with:", "KeyId", "key-arn:K")}, true},
		"import":        {[]*godog.Step{step(`an HMAC_256 key "K" without key material`), step(`I import material "M" into key "K"`)}, true},
		"own keys":      {[]*godog.Step{decl, step(`an HMAC_256 key "I" with imported material of 32 bytes`), gen}, false},
		"last key, raw": {[]*godog.Step{decl, {Text: "I send a raw ScheduleKeyDeletion request with body:", Argument: &messages.PickleStepArgument{DocString: &messages.PickleDocString{Content: `{"KeyId": "<key-id>"}`}}}}, true},
	} {
		if got := len(changesSharedKey(c.sts)) > 0; got != c.changes {
			t.Errorf("%s: changes %v, want %v (%v)", name, got, c.changes, changesSharedKey(c.sts))
		}
	}
}

// changesSharedKey lists the steps that may change a declared key (keys
// a scenario creates for itself are its own; --no-create skips on them).
func changesSharedKey(sts []*godog.Step) []string {
	declared := map[string]bool{}
	for _, st := range sts {
		if name, _, ok := shareableDecl(st.Text); ok {
			declared[name] = true
		}
	}
	var out []string
	for _, st := range sts {
		text, _ := steps.SplitStepRules(st.Text)
		arg := stepArgText(st)
		if _, _, ok := shareableDecl(text); ok || aliasStep.MatchString(text) || readSteps.MatchString(text) {
			continue
		}
		if m := callStep.FindStringSubmatch(text); m != nil {
			if steps.ReadOps[strings.TrimPrefix(m[1], "TrentService.")] {
				continue
			}
			named := declared[m[2]] || strings.Contains(arg, "<key-id>") || strings.Contains(arg, "<key-arn>") || strings.Contains(arg, "alias") || strings.Contains(text, "alias")
			for _, r := range keyRefIn.FindAllStringSubmatch(arg, -1) {
				named = named || declared[r[1]]
			}
			if named {
				out = append(out, fmt.Sprintf("step %q calls %s on a declared key", text, m[1]))
			}
			continue
		}
		for _, q := range quotedArg.FindAllStringSubmatch(text, -1) {
			if declared[q[1]] {
				out = append(out, fmt.Sprintf("step %q names the declared key %q and is not read-only", text, q[1]))
			}
		}
		for _, r := range keyRefIn.FindAllStringSubmatch(arg, -1) {
			if declared[r[1]] {
				out = append(out, fmt.Sprintf("step %q names the declared key %q and is not read-only", text, r[1]))
			}
		}
	}
	return out
}

func stepArgText(st *godog.Step) string {
	if st.Argument == nil {
		return ""
	}
	var b strings.Builder
	if d := st.Argument.DocString; d != nil {
		b.WriteString(d.Content)
	}
	if t := st.Argument.DataTable; t != nil {
		for _, r := range t.Rows {
			for _, c := range r.Cells {
				b.WriteString(c.Value)
				b.WriteByte('|')
			}
		}
	}
	return b.String()
}
