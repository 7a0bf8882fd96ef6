package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/internal/textutil"
	"github.com/kmsmac/kmsmac/results"
	"github.com/kmsmac/kmsmac/target"
)

// The common vocabulary: keys, aliases, grants, calls and assertions on
// their outcome. VOCABULARY.md lists every phrase with an example.
func init() {
	Define(func(sc *godog.ScenarioContext) {
		sc.Given(Re(`^an? (\S+) key "([^"]+)"$`), givenKey)
		sc.Given(Re(`^an? (\S+) key "([^"]+)" with usage (\S+)$`), givenKeyUsage)
		sc.Given(Re(`^an alias "([^"]+)" for key "([^"]+)"$`), givenAlias)
		sc.Given(Re(`^a grant "([^"]+)" on key "([^"]+)" for (\S+)$`), givenGrant)
		sc.Given(Re(`^key "([^"]+)" is in state (\w+)$`), givenState)
		sc.Given(Re(`^I generate a MAC of "([^"]*)" with key "([^"]+)" and (\S+) as "([^"]+)"$`), generateText)
		sc.Given(Re(`^I generate a MAC of (\d+) bytes with key "([^"]+)" and (\S+) as "([^"]+)"$`), generateBytes)

		sc.When(Re(`^I call (\S+) with:$`), func(ctx context.Context, op string, t *godog.Table) error { return callTable(ctx, op, t, false) })
		sc.When(Re(`^I call (\S+) raw with:$`), func(ctx context.Context, op string, t *godog.Table) error { return callTable(ctx, op, t, true) })
		sc.When(Re(`^I call (\S+) for key "([^"]+)"$`), callForKey)
		sc.When(Re(`^I send a raw (\S+) request with body:$`), rawBody)
		sc.When(Re(`^I send an HTTP (\S+) to "([^"]*)" with headers:$`), httpRequest)

		sc.Then(Re(`^the call succeeds$`), thenSucceeds)
		sc.Then(Re(`^the call fails$`), thenFailsAny)
		sc.Then(Re(`^the call fails with a client error$`), thenFailsClient)
		sc.Then(Re(`^the error code is (\w+)$`), thenErrorCode)
		sc.Then(Re(`^the call fails with (\w+)$`), func(ctx context.Context, code string) error { return thenFails(ctx, code) })
		sc.Then(Re(`^the call fails with (\w+) and message "(.*)"$`), thenFailsMessage)
		sc.Then(Re(`^the call fails with (\w+) and no message$`), thenFailsNoMessage)
		sc.Then(Re(`^the error message is "(.*)"$`), thenMessageIs)
		sc.Then(Re(`^the error message contains "(.*)"$`), thenMessageContains)
		sc.Then(Re(`^the error has no message$`), thenNoMessage)
		sc.Then(Re(`^the HTTP status is (\d+)$`), thenStatus)
		sc.Then(Re(`^the response "([^"]+)" is "(.*)"$`), thenMemberIs)
		sc.Then(Re(`^the response "([^"]+)" is (true|false|-?\d+)$`), thenMemberLiteral)
		sc.Then(Re(`^the response "([^"]+)" is (\d+) bytes$`), thenMemberBytes)
		sc.Then(Re(`^the response "([^"]+)" is an? (number|string|boolean|list|object)$`), thenMemberType)
		sc.Then(Re(`^the response "([^"]+)" matches "(.*)"$`), thenMemberMatches)
		sc.Then(Re(`^the response "([^"]+)" is a time in epoch seconds$`), thenEpochSeconds)
		sc.Then(Re(`^the response "([^"]+)" equals JSON (.+)$`), thenMemberJSON)
		sc.Then(Re(`^the response has "([^"]+)"$`), func(ctx context.Context, p string) error { return thenHas(ctx, p, true) })
		sc.Then(Re(`^the response has no "([^"]+)"$`), func(ctx context.Context, p string) error { return thenHas(ctx, p, false) })
		sc.Then(Re(`^the response header "([^"]+)" is "(.*)"$`), thenHeaderIs)
		sc.Then(Re(`^the response has a header "([^"]+)"$`), thenHasHeader)
		sc.Then(Re(`^I keep the response "([^"]+)" as "([^"]+)"$`), keepBlob)
		sc.Then(Re(`^the MACs "([^"]+)" and "([^"]+)" are (equal|different)$`), thenMacsCompare)
		sc.Then(Re(`^alias "([^"]+)" reaches key "([^"]+)"$`), func(ctx context.Context, a, k string) error {
			return WorldFrom(ctx).WaitForAlias(ctx, a, k)
		})
		sc.Then(Re(`^key "([^"]+)" reaches state (\w+)$`), func(ctx context.Context, k, s string) error {
			return WorldFrom(ctx).WaitForState(ctx, k, s)
		})
	})
}

// DefaultUsage is the key usage a "Given a <spec> key" step picks.
func DefaultUsage(spec string) string {
	switch {
	case strings.HasPrefix(spec, "HMAC_"):
		return "GENERATE_VERIFY_MAC"
	case spec == "SYMMETRIC_DEFAULT":
		return "ENCRYPT_DECRYPT"
	default:
		return "SIGN_VERIFY"
	}
}

func givenKey(ctx context.Context, spec, name string) error {
	return givenKeyUsage(ctx, spec, name, DefaultUsage(spec))
}

func givenKeyUsage(ctx context.Context, spec, name, usage string) error {
	_, err := WorldFrom(ctx).CreateKey(ctx, name, map[string]any{"KeySpec": spec, "KeyUsage": usage})
	return err
}

// CreateKey creates a key through the SDK with req (KeySpec, KeyUsage,
// Origin, ...), names it and tracks it for cleanup; against real KMS it
// waits until DescribeKey shows it (EC-1: new keys and aliases show after
// a moment there; emulators and the reference answer at once, and the
// wait cost moto a request per key). It does not change the scenario's
// last outcome.
func (w *World) CreateKey(ctx context.Context, name string, req map[string]any) (*Key, error) {
	defer w.KeepLast()()
	o, err := w.CallRequired(ctx, "CreateKey", req, false)
	if err != nil {
		return nil, err
	}
	k, err := keyFromMetadata(o, name)
	if err != nil {
		return nil, err
	}
	w.AddKey(k)
	if st := metadataString(o, "KeyState"); st != "" && w.Opts.AWS {
		if err := w.WaitForState(ctx, name, st); err != nil {
			return nil, err
		}
	}
	return k, nil
}

// keyFromMetadata is the key a successful CreateKey answer describes,
// named name.
func keyFromMetadata(o *target.Outcome, name string) (*Key, error) {
	str := func(p string) string { return metadataString(o, p) }
	k := &Key{Name: name, ID: str("KeyId"), ARN: str("Arn"), Spec: str("KeySpec"), Usage: str("KeyUsage"), Origin: str("Origin")}
	if k.ID == "" || k.ARN == "" {
		return nil, fmt.Errorf("CreateKey answered without KeyMetadata.KeyId/Arn: %s", o.Summary())
	}
	return k, nil
}

// metadataString is KeyMetadata.<member> of a key's description, or "".
func metadataString(o *target.Outcome, member string) string {
	v, _ := o.Member("KeyMetadata." + member)
	s, _ := v.(string)
	return s
}

func givenAlias(ctx context.Context, alias, key string) error {
	w, k, err := ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	last := w.last
	defer func() { w.last = last }()
	if _, err := w.CallRequired(ctx, "CreateAlias", map[string]any{"AliasName": w.Alias(alias), "TargetKeyId": k.ID}, false); err != nil {
		return err
	}
	w.SetAliasTarget(alias, k)
	if !w.Opts.AWS {
		return nil
	}
	return w.WaitForAlias(ctx, alias, key) // a new alias may take a moment to resolve
}

// givenGrant creates a grant for the caller's account root on key for the
// comma-separated operations, and keeps its token.
func givenGrant(ctx context.Context, name, key, ops string) error {
	w, k, err := ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	p, a, err := w.Target.Identity(ctx)
	if err != nil {
		return err
	}
	last := w.last
	defer func() { w.last = last }()
	o, err := w.CallRequired(ctx, "CreateGrant", map[string]any{"KeyId": k.ID, "Operations": strings.Split(ops, ","),
		"GranteePrincipal": fmt.Sprintf("arn:%s:iam::%s:root", p, a)}, false)
	if err != nil {
		return err
	}
	w.keepGrant(name, k, o)
	return nil
}

// givenState puts a key into a state: through the public API where it
// can (Enabled, Disabled, PendingDeletion), else through the reference's
// KmsmacReference.SetKeyState control (scenarios tagged @reference-only).
func givenState(ctx context.Context, key, state string) error {
	w, k, err := ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	defer w.KeepLast()()
	var op string
	req := map[string]any{"KeyId": k.ID}
	switch state {
	case "Enabled":
		op = "EnableKey"
	case "Disabled":
		op = "DisableKey"
	case "PendingDeletion":
		op, req["PendingWindowInDays"] = "ScheduleKeyDeletion", 7
	default:
		if !w.Target.Reference {
			return fmt.Errorf("state %s needs the KmsmacReference controls: tag the scenario @reference-only", state)
		}
		op, req["KeyState"] = "KmsmacReference.SetKeyState", state
	}
	_, err = w.CallRequired(ctx, op, req, strings.HasPrefix(op, "Kmsmac"))
	return err
}

func generateText(ctx context.Context, text, key, alg, as string) error {
	return generate(ctx, []byte(text), key, alg, as)
}

func generateBytes(ctx context.Context, n int, key, alg, as string) error {
	return generate(ctx, Pattern(n), key, alg, as)
}

// generate makes a MAC through the SDK and keeps it; the step is a
// precondition, so any failure is a failure of the scenario.
func generate(ctx context.Context, msg []byte, key, alg, as string) error {
	w, k, err := ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	o, err := w.CallRequired(ctx, "GenerateMac", map[string]any{"KeyId": k.ID, "Message": msg, "MacAlgorithm": alg}, false)
	if err != nil {
		return err
	}
	mac, err := o.Blob("Mac")
	if err != nil {
		return fmt.Errorf("GenerateMac answered 200 without a usable Mac: %v (%s)", err, o.Summary())
	}
	w.SetMac(as, mac)
	return nil
}

func callTable(ctx context.Context, op string, t *godog.Table, raw bool) error {
	w := WorldFrom(ctx)
	req, err := w.Request(ctx, t)
	if err != nil {
		return err
	}
	_, err = w.CallUnderTest(ctx, op, req, raw)
	return err
}

func callForKey(ctx context.Context, op, key string) error {
	w, k, err := ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	_, err = w.CallUnderTest(ctx, op, map[string]any{"KeyId": k.ID}, false)
	return err
}

func rawBody(ctx context.Context, target string, body *godog.DocString) error {
	w := WorldFrom(ctx)
	b, err := w.Resolve(ctx, body.Content)
	if err != nil {
		return err
	}
	o := w.CallRaw(ctx, target, []byte(b))
	if o.Status == 0 {
		return fmt.Errorf("%s: %s", target, o.Summary())
	}
	return nil
}

// httpRequest sends an empty-bodied or table-described HTTP request; the
// table gives headers, and a "Body" row gives the body.
func httpRequest(ctx context.Context, method, path string, t *godog.Table) error {
	w := WorldFrom(ctx)
	h := http.Header{}
	var body []byte
	for _, row := range t.Rows {
		if len(row.Cells) != 2 {
			return fmt.Errorf("headers table: want | Header | value |")
		}
		v, err := w.Resolve(ctx, row.Cells[1].Value)
		if err != nil {
			return err
		}
		if row.Cells[0].Value == "Body" {
			body = []byte(v)
			continue
		}
		h.Set(row.Cells[0].Value, v)
	}
	o := w.Target.Raw.SendHTTP(ctx, method, path, h, body)
	w.Record(o)
	if o.Status == 0 {
		return fmt.Errorf("%s %s: %s", method, path, o.Summary())
	}
	return nil
}

// StatusFor is the HTTP status KMS uses for an error code (WIRE-11).
func StatusFor(code string) int {
	switch code {
	case "KMSInternalException", "KeyUnavailableException", "InternalFailure":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func thenSucceeds(ctx context.Context) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	if NotImplemented(o) && !o.OK() {
		// hard even in a soft scenario: the operation is missing
		w.note(w.checking(), results.Failed, "success (HTTP 200)", textutil.FirstLine(RequireText(o)))
		return w.Failure("success (HTTP 200)", RequireText(o))
	}
	return w.Check(KindCode, o.OK(), "success (HTTP 200)", o.Summary())
}

func thenFails(ctx context.Context, code string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	want := StatusFor(code)
	return w.Check(KindCode, o.Type == code && o.Status == want, fmt.Sprintf("%s (HTTP %d)", code, want), o.Summary())
}

func thenFailsMessage(ctx context.Context, code, msg string) error {
	w, o, want, err := LastResolved(ctx, msg)
	if err != nil {
		return err
	}
	st := StatusFor(code)
	n := len(w.soft)
	if err := w.Check(KindCode, o.Type == code && o.Status == st,
		fmt.Sprintf("%s (HTTP %d) message %q", code, st, want), o.Summary()); err != nil || len(w.soft) > n {
		return err // a soft difference in the code already says it all
	}
	return thenMessageIs(ctx, msg)
}

func thenFailsNoMessage(ctx context.Context, code string) error {
	w := WorldFrom(ctx)
	n := len(w.soft)
	if err := thenFails(ctx, code); err != nil || len(w.soft) > n {
		return err
	}
	return thenNoMessage(ctx)
}

func thenMessageIs(ctx context.Context, msg string) error {
	w, o, want, err := LastResolved(ctx, msg)
	if err != nil {
		return err
	}
	return w.Check(KindText, o.HasMsg && SameMessage(want, o.Message), fmt.Sprintf("message %q", want), o.Summary())
}

func thenMessageContains(ctx context.Context, part string) error {
	w, o, want, err := LastResolved(ctx, part)
	if err != nil {
		return err
	}
	return w.Check(KindText, o.HasMsg && strings.Contains(o.Message, want), fmt.Sprintf("message containing %q", want), o.Summary())
}

func thenNoMessage(ctx context.Context) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	return w.Check(KindText, !o.HasMsg, "no message member in the error body", o.Summary())
}

func thenStatus(ctx context.Context, status int) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	return w.Check(KindStatus, o.Status == status, fmt.Sprintf("HTTP %d", status), o.Summary())
}

func thenMemberIs(ctx context.Context, path, value string) error {
	w, o, want, err := LastResolved(ctx, value)
	if err != nil {
		return err
	}
	got, ok := o.Member(path)
	s, isStr := got.(string)
	return w.Check(KindCode, ok && isStr && s == want, fmt.Sprintf("response %s = %q", path, want),
		ObservedMember(o, path, got, ok))
}

func thenMemberLiteral(ctx context.Context, path, lit string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	got, ok := o.Member(path)
	var match bool
	switch g := got.(type) {
	case bool:
		match = strconv.FormatBool(g) == lit
	case float64:
		match = strconv.FormatFloat(g, 'f', -1, 64) == lit
	}
	return w.Check(KindCode, ok && match, fmt.Sprintf("response %s = %s", path, lit), ObservedMember(o, path, got, ok))
}

func thenMemberBytes(ctx context.Context, path string, n int) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	b, berr := o.Blob(path)
	obs := o.Summary()
	if berr == nil {
		obs = fmt.Sprintf("%d bytes", len(b))
	}
	return w.Check(KindCode, berr == nil && len(b) == n, fmt.Sprintf("response %s of %d bytes", path, n), obs)
}

func thenHas(ctx context.Context, path string, want bool) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	got, ok := o.Member(path)
	exp := "response has " + path
	if !want {
		exp = "response has no " + path
	}
	return w.Check(KindCode, ok == want, exp, ObservedMember(o, path, got, ok))
}

// ObservedMember says what the answer had at path (v, ok from
// Outcome.Member), or the error when the call failed: a Then step's observed.
func ObservedMember(o *target.Outcome, path string, v any, ok bool) string {
	if !o.OK() {
		return o.Summary()
	}
	if !ok {
		return fmt.Sprintf("no %s in %s", path, target.Elide(o.Body))
	}
	b, _ := json.Marshal(v)
	return fmt.Sprintf("%s = %s", path, textutil.Clip(string(b), 200))
}

func thenHeaderIs(ctx context.Context, name, value string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	got := o.Header.Get(name)
	return w.Check(KindCode, got == value, fmt.Sprintf("header %s: %s", name, value), fmt.Sprintf("header %s: %q (%s)", name, got, o.Summary()))
}

func thenHasHeader(ctx context.Context, name string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	return w.Check(KindCode, o.Header.Get(name) != "", "a non-empty header "+name, fmt.Sprintf("headers %v", textutil.SortedKeys(o.Header)))
}

func keepBlob(ctx context.Context, path, as string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	if !o.OK() {
		return fmt.Errorf("cannot keep %s: %s", path, RequireText(o))
	}
	b, err := o.Blob(path)
	if err != nil {
		return fmt.Errorf("cannot keep %s: %v", path, err)
	}
	w.SetMac(as, b)
	return nil
}

func thenMacsCompare(ctx context.Context, a, b, how string) error {
	w := WorldFrom(ctx)
	x, err := w.Mac(a)
	if err != nil {
		return err
	}
	y, err := w.Mac(b)
	if err != nil {
		return err
	}
	eq := string(x) == string(y)
	return w.Check(KindCode, eq == (how == "equal"), fmt.Sprintf("MACs %s and %s %s", a, b, how),
		fmt.Sprintf("%s is %d bytes, %s is %d bytes, equal=%v", a, len(x), b, len(y), eq))
}

func thenFailsAny(ctx context.Context) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	return w.Check(KindCode, o.Status >= 400 && o.Status < 600, "an error response (HTTP 4xx/5xx)", o.Summary())
}

// thenErrorCode checks the error code alone (the normalised __type,
// WIRE-9), whatever the HTTP status: for scenarios that charge the status
// to a wire rule (WIRE-11) and the code to another.
func thenErrorCode(ctx context.Context, code string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	return w.Check(KindCode, !o.OK() && o.Type == code, "error code "+code, o.Summary())
}

// thenFailsClient is the answer a rule gives when it names no error code:
// an HTTP 4xx error response with an error code (__type). A 5xx is a
// server fault, never the refusal a rule asks for.
func thenFailsClient(ctx context.Context) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	return w.Check(KindCode, o.Status >= 400 && o.Status < 500 && o.Type != "",
		"a client error (HTTP 4xx with an error code)", o.Summary())
}

// thenEpochSeconds checks that a timestamp is a JSON number of seconds
// since the epoch (WIRE-6): after 2001-09-09 (1e9 s) and no later than a
// day from now. Milliseconds (about 1.7e12) are far beyond that bound.
func thenEpochSeconds(ctx context.Context, path string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	v, ok := o.Member(path)
	f, isNum := v.(float64)
	latest := float64(time.Now().Add(24 * time.Hour).Unix())
	obs := ObservedMember(o, path, v, ok) + " (" + jsonType(v) + ")"
	return w.Check(KindCode, ok && isNum && f >= 1e9 && f <= latest,
		fmt.Sprintf("response %s is a JSON number of epoch seconds (between 1e9 and %.0f, now+1d)", path, latest), obs)
}

func jsonType(v any) string {
	switch v.(type) {
	case float64:
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

func thenMemberType(ctx context.Context, path, typ string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	got, ok := o.Member(path)
	return w.Check(KindCode, ok && jsonType(got) == typ, fmt.Sprintf("response %s is a JSON %s", path, typ),
		ObservedMember(o, path, got, ok)+" ("+jsonType(got)+")")
}

func thenMemberMatches(ctx context.Context, path, pattern string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return err
	}
	got, ok := o.Member(path)
	s, isStr := got.(string)
	return w.Check(KindCode, ok && isStr && re.MatchString(s), fmt.Sprintf("response %s matching %s", path, pattern),
		ObservedMember(o, path, got, ok))
}

func thenMemberJSON(ctx context.Context, path, lit string) error {
	w, o, r, err := LastResolved(ctx, lit)
	if err != nil {
		return err
	}
	var want any
	if err := json.Unmarshal([]byte(r), &want); err != nil {
		return fmt.Errorf("equals JSON %s: %w", lit, err)
	}
	got, ok := o.Member(path)
	return w.Check(KindCode, ok && reflect.DeepEqual(got, want), fmt.Sprintf("response %s = %s", path, r),
		ObservedMember(o, path, got, ok))
}

// Negative checks, for a rule that promises only what does not happen:
// VM-SIZE-1 ("no ValidationException for any length in range", whatever
// the call then answers) and ORD-3 (not an "Algorithm ... incompatible"
// message).
func init() {
	Define(func(sc *godog.ScenarioContext) {
		sc.Then(Re(`^the error code is not (\w+)$`), thenErrorCodeNot)
		sc.Then(Re(`^the error message does not contain "(.*)"$`), thenMessageNotContains)
	})
}

// thenErrorCodeNot passes on a success and on any other error code.
func thenErrorCodeNot(ctx context.Context, code string) error {
	w, o, err := LastOutcome(ctx)
	if err != nil {
		return err
	}
	return w.Check(KindCode, o.OK() || o.Type != code, "no "+code, o.Summary())
}

// thenMessageNotContains passes when the error has no message at all.
func thenMessageNotContains(ctx context.Context, part string) error {
	w, o, want, err := LastResolved(ctx, part)
	if err != nil {
		return err
	}
	return w.Check(KindText, !o.HasMsg || !strings.Contains(o.Message, want), fmt.Sprintf("message not containing %q", want), o.Summary())
}
