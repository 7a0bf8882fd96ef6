package steps

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/cucumber/godog"

	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/target"
)

// Steps for the MAC oracles: a key with known (imported) material, and
// HMACs computed locally with the standard library, independent of any
// endpoint's code (RFC 2104).
func init() {
	Define(func(sc *godog.ScenarioContext) {
		sc.Given(Re(`^an? (HMAC_\d+) key "([^"]+)" with imported material of (\d+) bytes$`), givenImported)
		sc.Given(Re(`^I compute the (HMAC_SHA_\d+) of (\S+) under the material of key "([^"]+)" as "([^"]+)"$`), computeLocal)
	})
}

// givenImported creates an EXTERNAL key and imports n random bytes with
// RSAES_OAEP_SHA_256 under an RSA_2048 wrapping key; the material is kept
// in the Key for local HMACs.
func givenImported(ctx context.Context, spec, name string, n int) error {
	w := WorldFrom(ctx)
	refused, finish := w.Opts.firsts.wait(ctx, importMemo{})
	if refused != nil {
		return refused
	}
	var err error
	defer func() { finish(importMissing(w, err)) }()
	err = importInto(ctx, w, spec, name, n)
	return err
}

type importMemo struct{}

// importMissing is err when it blocks the import because the endpoint lacks
// an import operation, which holds for the run's later scenarios too
// (firstCalls: blocked with the same words, no key made); nil for any other
// refusal (a 5xx, one spec refused), which is this scenario's alone.
func importMissing(w *World, err error) error {
	_, why, ok := IsBlocked(err)
	if !ok {
		return nil
	}
	for _, op := range []string{"GetParametersForImport", "ImportKeyMaterial"} {
		if strings.HasPrefix(why, op+" not implemented: ") && w.Target.OperationMissing(op) {
			return err
		}
	}
	return nil
}

func importInto(ctx context.Context, w *World, spec, name string, n int) error {
	k, err := w.CreateKey(ctx, name, map[string]any{"KeySpec": spec, "KeyUsage": "GENERATE_VERIFY_MAC", "Origin": "EXTERNAL"})
	if err != nil {
		return err
	}
	material := make([]byte, n)
	if _, err := rand.Read(material); err != nil {
		return err
	}
	return w.ImportMaterial(ctx, k, material)
}

// ImportMaterial wraps material for k with GetParametersForImport's public
// key and imports it (no expiry), then waits for Enabled. The scenario's
// last outcome is left alone.
func (w *World) ImportMaterial(ctx context.Context, k *Key, material []byte) error {
	defer w.KeepLast()()
	o, err := w.CallRequired(ctx, "GetParametersForImport", map[string]any{"KeyId": k.ID,
		"WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"}, false)
	if err != nil {
		return err
	}
	der, tok, err := ImportParams(o)
	if err != nil {
		return err
	}
	pk, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return fmt.Errorf("GetParametersForImport PublicKey is not a DER SubjectPublicKeyInfo: %v", err)
	}
	rsaKey, ok := pk.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("GetParametersForImport PublicKey is %T, not RSA", pk)
	}
	wrapped, err := rsa.EncryptOAEP(sha256.New(), rand.Reader, rsaKey, material, nil)
	if err != nil {
		return fmt.Errorf("wrapping key material: %v", err)
	}
	if _, err := w.CallRequired(ctx, "ImportKeyMaterial", map[string]any{"KeyId": k.ID, "ImportToken": tok,
		"EncryptedKeyMaterial": wrapped, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"}, false); err != nil {
		return err
	}
	k.Material = append([]byte(nil), material...)
	return nil
}

// ImportParams is the wrapping public key (DER) and import token of a
// successful GetParametersForImport answer.
func ImportParams(o *target.Outcome) (der, tok []byte, err error) {
	if der, err = o.Blob("PublicKey"); err != nil {
		return nil, nil, fmt.Errorf("GetParametersForImport: %v", err)
	}
	if tok, err = o.Blob("ImportToken"); err != nil {
		return nil, nil, fmt.Errorf("GetParametersForImport: %v", err)
	}
	return der, tok, nil
}

// computeLocal keeps HMAC(material of key, message) as a MAC; the message
// is a value expression (blob:, bytes:, sha256:).
func computeLocal(ctx context.Context, alg, msgExpr, key, as string) error {
	w, k, err := ScenarioKey(ctx, key)
	if err != nil {
		return err
	}
	if k.Material == nil {
		return fmt.Errorf("key %s has no imported material known to the scenario", key)
	}
	v, err := w.Value(ctx, msgExpr)
	if err != nil {
		return err
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("%s is not a blob expression", msgExpr)
	}
	msg, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return fmt.Errorf("%s is not a blob expression: %v", msgExpr, err)
	}
	if _, ok := kmsspec.ByAlgorithm(alg); !ok {
		return fmt.Errorf("unknown MAC algorithm %s", alg)
	}
	w.SetMac(as, kmsspec.HMAC(alg, k.Material, msg))
	return nil
}
