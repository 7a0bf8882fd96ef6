package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/cucumber/godog"
	"github.com/kmsmac/kmsmac/internal/textutil"
)

// Steps for the key lifecycle features (key states, DryRun, creation and
// metadata, rotation, other operations): naming a key a When step
// created, keys without material, and assertions the rule catalogue needs
// where AWS records only part of an answer.
func init() {
	Define(func(sc *godog.ScenarioContext) {
		sc.Given(Re(`^an? (HMAC_\d+|SYMMETRIC_DEFAULT) key "([^"]+)" without key material$`), givenExternalKey)
		sc.Given(Re(`^a ciphertext "([^"]+)" of "([^"]*)" under key "([^"]+)", or opaque bytes if the endpoint cannot encrypt$`), givenCiphertext)
		sc.When(Re(`^I call (\w+) on ciphertext "([^"]+)" with:$`), callWithCiphertext)
		sc.Then(Re(`^I name the created key "([^"]+)"$`), nameCreatedKey)
		sc.Then(Re(`^the call fails with one of (\w+(?:, \w+)+)$`), thenFailsOneOf)
		sc.Then(Re(`^the error message's enum value set includes ([A-Z0-9_, ]+)$`), thenEnumIncludes)
	})
}

// givenExternalKey creates a key with Origin EXTERNAL: it stays in
// PendingImport until material is imported (CK-11).
func givenExternalKey(ctx context.Context, spec, name string) error {
	w := WorldFrom(ctx)
	refused, finish := w.Opts.firsts.wait(ctx, externalMemo{spec})
	if refused != nil {
		return refused
	}
	var shared error
	defer func() { finish(shared) }()
	k, err := w.CreateKey(ctx, name, map[string]any{
		"KeySpec": spec, "KeyUsage": DefaultUsage(spec), "Origin": "EXTERNAL"})
	if err != nil {
		return err
	}
	// The scenarios need a key without material: one that came back with
	// material cannot show what they check, so they are blocked by CK-11,
	// and so are the run's later ones (firstCalls) without a key of their own.
	o := w.Target.CallSDK(ctx, "DescribeKey", textutil.MustJSON(map[string]any{"KeyId": k.ID}))
	if st := metadataString(o, "KeyState"); o.OK() && st != "PendingImport" {
		shared = w.Block("CK-11", fmt.Sprintf("CreateKey with Origin EXTERNAL made a %s key in state %s, not PendingImport (no material)", spec, st))
		return shared
	}
	return nil
}

// externalMemo is the firstCalls key of an EXTERNAL key of one spec
// (against moto each CreateKey costs 45 ms of its CPU, and 40 import
// scenarios asked).
type externalMemo struct{ spec string }

// nameCreatedKey names the key a successful "When I call CreateKey" made,
// so later steps and <key-arn:NAME> can refer to it. World.Call already
// tracks it for cleanup.
func nameCreatedKey(ctx context.Context, name string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	if o.Op != "CreateKey" || !o.OK() {
		return fmt.Errorf("no key to name: the last call was %s (%s)", o.Op, o.Summary())
	}
	k, err := keyFromMetadata(o, name)
	if err != nil {
		return err
	}
	w.AddKey(k)
	w.lastKey = k // "<key-arn>" in later expectations means this key
	return nil
}

// thenFailsOneOf is for rules that allow several error codes, or that say
// only "an error" while naming the likely codes (XOP-5).
func thenFailsOneOf(ctx context.Context, list string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	var want []string
	ok := false
	for _, c := range strings.Split(list, ",") {
		c = strings.TrimSpace(c)
		want = append(want, fmt.Sprintf("%s (HTTP %d)", c, StatusFor(c)))
		if o.Type == c && o.Status == StatusFor(c) {
			ok = true
		}
	}
	return w.Check(KindCode, ok, "one of "+strings.Join(want, ", "), o.Summary())
}

// thenEnumIncludes checks that the enum list in a ValidationException
// holds at least the values recorded: AWS adds values over time, so a
// recorded list is a subset of today's (VAL-FMT-3, CK-3, CK-4).
func thenEnumIncludes(ctx context.Context, list string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	if m := enumSet.FindStringSubmatch(o.Message); m != nil {
		for _, v := range strings.Split(m[1], ",") {
			have[strings.TrimSpace(v)] = true
		}
	}
	var missing []string
	for _, v := range strings.Split(list, ",") {
		if v = strings.TrimSpace(v); v != "" && !have[v] {
			missing = append(missing, v)
		}
	}
	obs := o.Summary()
	if len(missing) > 0 {
		obs += " (missing " + strings.Join(missing, ", ") + ")"
	}
	return w.Check(KindText, o.HasMsg && len(have) > 0 && len(missing) == 0,
		"an enum value set including "+list, obs)
}

// opaqueCiphertext stands in for a ciphertext when the endpoint cannot
// encrypt (the reference implements Encrypt only for its HMAC errors).
var opaqueCiphertext = []byte("kmsmac: not a KMS ciphertext")

func ciphertextKey(name string) string { return "ciphertext:" + name }

// givenCiphertext encrypts a text under key through the SDK, as the
// recorded XOP-3/XOP-4 cases did; an endpoint that refuses leaves opaque
// bytes instead. The last outcome is left alone.
func givenCiphertext(ctx context.Context, name, text, key string) error {
	w, k, err := ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	defer w.KeepLast()()
	o, err := w.Call(ctx, "Encrypt", map[string]any{"KeyId": k.ID, "Plaintext": []byte(text)}, false)
	if err != nil {
		return err
	}
	ct := opaqueCiphertext
	switch {
	case o.OK():
		if ct, err = o.Blob("CiphertextBlob"); err != nil {
			return fmt.Errorf("Encrypt answered 200 without a usable CiphertextBlob: %v", err)
		}
	case o.Status == 0:
		return w.Require(o)
	}
	w.Vals[ciphertextKey(name)] = ct
	return nil
}

// callWithCiphertext calls op through the SDK with the table's members and
// CiphertextBlob set to a kept ciphertext.
func callWithCiphertext(ctx context.Context, op, name string, t *godog.Table) error {
	w := WorldFrom(ctx)
	ct, ok := w.Vals[ciphertextKey(name)].([]byte)
	if !ok {
		return fmt.Errorf("no ciphertext %q in this scenario", name)
	}
	req, err := w.Request(ctx, t)
	if err != nil {
		return err
	}
	req["CiphertextBlob"] = ct
	_, err = w.CallUnderTest(ctx, op, req, false)
	return err
}
