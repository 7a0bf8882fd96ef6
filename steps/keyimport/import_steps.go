package keyimport

import (
	"context"
	"crypto/rand"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/kmsmac/kmsmac/internal/keywrap"
	"github.com/kmsmac/kmsmac/steps"
)

// Steps for importing HMAC key material (rules.md §11): named material
// the scenario knows, wrapped on the client with internal/keywrap, so that
// MACs can be checked against a local HMAC of the same bytes.
func init() {
	steps.Define(func(sc *godog.ScenarioContext) {
		sc.Given(steps.Re(`^key material "([^"]+)" of (\d+) random bytes$`), givenMaterial)
		sc.When(steps.Re(`^I import material "([^"]+)" into key "([^"]+)"$`), func(ctx context.Context, m, k string) error {
			return importNamed(ctx, m, k, nil)
		})
		sc.When(steps.Re(`^I import material "([^"]+)" into key "([^"]+)" with:$`), importNamed)
		sc.Then(steps.Re(`^the response "([^"]+)" is an RSA public key of (\d+) bits$`), thenRSAPublicKey)
		sc.Then(steps.Re(`^the response "([^"]+)" is about (\d+) hours from now$`), thenHoursFromNow)
	})
}

// Defaults of the import steps: the wrapping the catalogue records for
// HMAC material (IMP-4 uses RSA_4096; RSA_2048 is cheaper and documented).
const (
	defaultWrapping     = "RSAES_OAEP_SHA_256"
	defaultWrappingSpec = "RSA_2048"
)

func materialKey(name string) string { return "material:" + name }

func givenMaterial(ctx context.Context, name string, n int) error {
	if n < 1 || n > 1024 {
		return fmt.Errorf("key material of %d bytes: want 1..1024", n)
	}
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	steps.WorldFrom(ctx).Vals[materialKey(name)] = b
	return nil
}

// importNamed runs GetParametersForImport, wraps the named material with
// the returned public key and calls ImportKeyMaterial through the SDK; the
// ImportKeyMaterial call is the scenario's last outcome. GetParametersForImport
// must first issue a token and a public key for the key, or the scenario is
// blocked by IMP-1 (a refusal of ImportKeyMaterial proves nothing without
// them); only when the table chose a wrapping other than the default is a
// refusal of that wrapping the last outcome, for the Then steps. Without a table
// the material never expires. With a table, rows WrappingAlgorithm and
// WrappingKeySpec choose the wrapping, and every other row is an
// ImportKeyMaterial member (nothing is added: omit ExpirationModel to get
// the service's default; a KeyId row names the key another way).
// ValidTo takes "now+30d", "now-1d" or "now+400d".
func importNamed(ctx context.Context, matName, keyName string, t *godog.Table) error {
	w, k, err := steps.ScenarioKey(ctx, keyName)
	if err != nil {
		return err
	}
	material, ok := w.Vals[materialKey(matName)].([]byte)
	if !ok {
		return fmt.Errorf("no key material %q in this scenario", matName)
	}
	alg, spec := defaultWrapping, defaultWrappingSpec
	req := map[string]any{}
	if t == nil {
		req["ExpirationModel"] = "KEY_MATERIAL_DOES_NOT_EXPIRE"
	} else {
		if t, err = relativeTimes(t); err != nil {
			return err
		}
		if req, err = w.Request(ctx, t); err != nil {
			return err
		}
		if v, ok := req["WrappingAlgorithm"].(string); ok {
			alg = v
		}
		if v, ok := req["WrappingKeySpec"].(string); ok {
			spec = v
		}
		delete(req, "WrappingAlgorithm")
		delete(req, "WrappingKeySpec")
	}

	restore := w.KeepLast()
	o, err := w.Call(ctx, "GetParametersForImport", map[string]any{"KeyId": k.ID,
		"WrappingAlgorithm": alg, "WrappingKeySpec": spec}, false)
	if err != nil {
		restore()
		return err
	}
	if !o.OK() {
		if chosenWrapping(alg, spec) && o.Status != 0 && !steps.NotImplemented(o) {
			// The scenario is about the wrapping it chose (IMP-4, IMP-5):
			// a refusal of that wrapping is the answer its Then steps judge.
			return nil
		}
		// Anything else is about ImportKeyMaterial, which cannot be judged
		// without an import token: the precondition is missing (IMP-1).
		restore()
		return w.Require(o)
	}
	restore()
	// A refusal of ImportKeyMaterial proves something only after a real
	// token and wrapping key were issued for the key.
	der, tok, err := steps.ImportParams(o)
	if err != nil || len(tok) == 0 {
		return w.Block("IMP-1", fmt.Sprintf("GetParametersForImport answered 200 without a usable import token and public key (%v): %s", err, o.Summary()))
	}
	wrapped, err := keywrap.Wrap(der, alg, material)
	if err != nil {
		return w.Block("IMP-1", fmt.Sprintf("wrapping %d bytes of material with %s under the returned public key: %v", len(material), alg, err))
	}
	if _, ok := req["KeyId"]; !ok {
		req["KeyId"] = k.ID
	}
	if _, ok := req["ImportToken"]; !ok {
		req["ImportToken"] = tok
	}
	if _, ok := req["EncryptedKeyMaterial"]; !ok {
		req["EncryptedKeyMaterial"] = wrapped
	}
	o, err = w.CallUnderTest(ctx, "ImportKeyMaterial", req, false)
	if err != nil {
		return err
	}
	if o.OK() {
		k.Material = append([]byte(nil), material...) // the local HMAC oracle's key
	}
	return nil
}

// chosenWrapping reports whether a scenario asked for a wrapping other
// than the steps' default, so that GetParametersForImport's answer about
// it is under test.
func chosenWrapping(alg, spec string) bool {
	return alg != defaultWrapping || spec != defaultWrappingSpec
}

// relativeTimes rewrites "now+Nd" / "now-Nd" cells into RFC 3339 times
// (the SDK's form of a timestamp, VOCABULARY.md).
func relativeTimes(t *godog.Table) (*godog.Table, error) {
	out := &godog.Table{}
	for _, row := range t.Rows {
		r := &messages.PickleTableRow{}
		for _, c := range row.Cells {
			v := c.Value
			if rest, ok := strings.CutPrefix(v, "now"); ok && strings.HasSuffix(rest, "d") && len(rest) > 2 {
				n, err := strconv.Atoi(strings.TrimSuffix(rest, "d"))
				if err != nil {
					return nil, fmt.Errorf("%q: want now+Nd or now-Nd", v)
				}
				v = `json:"` + time.Now().UTC().Add(time.Duration(n)*24*time.Hour).Format(time.RFC3339) + `"`
			}
			r.Cells = append(r.Cells, &messages.PickleTableCell{Value: v})
		}
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}

func thenRSAPublicKey(ctx context.Context, path string, bits int) error {
	w, o, err := steps.LastOutcome(ctx)
	if err != nil {
		return err
	}
	obs := o.Summary()
	ok := false
	if der, berr := o.Blob(path); berr == nil {
		if pub, perr := keywrap.ParsePublicKey(der); perr != nil {
			obs = perr.Error()
		} else {
			obs = fmt.Sprintf("an RSA public key of %d bits", pub.N.BitLen())
			ok = pub.N.BitLen() == bits
		}
	}
	return w.Check(steps.KindCode, ok, fmt.Sprintf("%s: a DER SubjectPublicKeyInfo of an RSA key of %d bits", path, bits), obs)
}

// thenHoursFromNow checks an epoch-seconds timestamp against the local
// clock, with 15 minutes of slack for clock skew and slow calls.
func thenHoursFromNow(ctx context.Context, path string, hours int) error {
	w, o, err := steps.LastOutcome(ctx)
	if err != nil {
		return err
	}
	v, has := o.Member(path)
	f, isNum := v.(float64)
	want := time.Now().Add(time.Duration(hours) * time.Hour)
	obs := steps.ObservedMember(o, path, v, has)
	ok := false
	if isNum && !math.IsNaN(f) && !math.IsInf(f, 0) {
		got := time.Unix(0, 0).Add(time.Duration(f * float64(time.Second)))
		obs = fmt.Sprintf("%s = %s", path, got.UTC().Format(time.RFC3339))
		ok = got.Sub(want).Abs() <= 15*time.Minute
	}
	return w.Check(steps.KindCode, ok, fmt.Sprintf("%s about %s (±15 min)", path, want.UTC().Format(time.RFC3339)), obs)
}
