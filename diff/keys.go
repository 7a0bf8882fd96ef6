package diff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/kmsmac/kmsmac/internal/keywrap"
	"github.com/kmsmac/kmsmac/kmsspec"
)

// slotDef is one key the run creates on each side.
type slotDef struct {
	Name     string
	Spec     string
	Alias    bool
	Disabled bool
	Role     string
}

// slots: one key per spec, a second HMAC_256 key (for "MAC of another key
// of the same spec", VM-FAIL-3) and a disabled HMAC_256 key (STATE-2).
var slots = []slotDef{
	{Name: "k1", Spec: "HMAC_224", Alias: true, Role: "HMAC_224"},
	{Name: "k2", Spec: "HMAC_256", Alias: true, Role: "HMAC_256"},
	{Name: "k3", Spec: "HMAC_384", Alias: true, Role: "HMAC_384"},
	{Name: "k4", Spec: "HMAC_512", Alias: true, Role: "HMAC_512"},
	{Name: "k5", Spec: "HMAC_256", Role: "HMAC_256, a second key"},
	{Name: "k6", Spec: "HMAC_256", Alias: true, Disabled: true, Role: "HMAC_256, disabled"},
}

func slotByName(name string) slotDef {
	for _, s := range slots {
		if s.Name == name {
			return s
		}
	}
	return slotDef{}
}

// keyInfo is how one side names one key.
type keyInfo struct {
	ID, ARN, Alias, AliasARN string
}

// side is one endpoint with the keys the run created on it.
type side struct {
	label    string // "A" or "B"
	ep       *Endpoint
	keys     map[string]*keyInfo
	account  string
	region   string
	imported bool
	material map[string][]byte // slot → key material, when imported
	names    names

	mu    sync.Mutex
	cache map[string][]byte // fallback MACs by slot and message digest

	created []string // key ids to schedule for deletion (some emulators take no ARN there)
	aliases []string // alias names to delete
}

func newSide(label string, ep *Endpoint) *side {
	return &side{label: label, ep: ep, keys: map[string]*keyInfo{}, cache: map[string][]byte{}, region: ep.Region}
}

// errImport marks a failure to make a key from imported material (CreateKey
// with Origin EXTERNAL refused, the import calls refused or unknown, the
// wrapping key unusable): the run then falls back to generated keys instead
// of stopping.
type errImport struct {
	side string // "A" or "B"
	ep   string // the endpoint, as the report names it
	step string // e.g. "CreateKey Origin EXTERNAL"
	err  error
}

func (e *errImport) Error() string { return e.err.Error() }
func (e *errImport) Unwrap() error { return e.err }

// reason is the failure in a few words: step, error code and the start of
// the message (an HTML error page reduced to its text).
func (e *errImport) reason() string {
	var ae *APIError
	if !errors.As(e.err, &ae) {
		return e.step + ": " + snippet(e.err.Error(), 120)
	}
	msg := ae.Message
	if ae.Code == nonJSON {
		msg = htmlText(msg)
	}
	msg = snippet(msg, 120)
	s := e.step + ": "
	if ae.Code != "" && ae.Code != nonJSON {
		s += ae.Code
	} else {
		s += fmt.Sprintf("HTTP %d", ae.Status)
	}
	if msg != "" {
		s += ": " + msg
	}
	return s
}

// importFailed wraps err as an errImport unless the endpoint gave no
// answer at all: an unreachable endpoint stays a setup error.
func (s *side) importFailed(step string, err error) error {
	var te *transportError
	if errors.As(err, &te) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &errImport{side: s.label, ep: s.ep.String(), step: step, err: err}
}

const (
	wrappingAlgorithm = keywrap.RSAESOAEPSHA256
	wrappingKeySpec   = "RSA_2048"
)

type keyMetadata struct {
	KeyMetadata struct {
		KeyId    string
		Arn      string
		KeyState string
	}
}

// setup creates every slot's key on the side: with imported material when
// material is non-nil, else with generated material.
func (s *side) setup(ctx context.Context, runID string, material map[string][]byte, poll time.Duration) error {
	s.imported = material != nil
	s.material = material
	origin := "AWS_KMS"
	if s.imported {
		origin = "EXTERNAL"
	}
	for _, sl := range slots {
		var out keyMetadata
		err := s.ep.callJSON(ctx, "CreateKey", map[string]any{
			"KeySpec":     sl.Spec,
			"KeyUsage":    "GENERATE_VERIFY_MAC",
			"Origin":      origin,
			"Description": "kmsmac diff " + runID + " " + sl.Name,
			"Tags":        []map[string]string{{"TagKey": "kmsmac", "TagValue": "diff"}},
		}, &out)
		if err != nil && s.imported {
			return s.importFailed("CreateKey Origin EXTERNAL", err)
		}
		if err != nil {
			return err
		}
		md := out.KeyMetadata
		if md.KeyId == "" || md.Arn == "" {
			return fmt.Errorf("CreateKey: answer without KeyId or Arn")
		}
		s.created = append(s.created, md.KeyId)
		ki := &keyInfo{ID: md.KeyId, ARN: md.Arn}
		s.keys[sl.Name] = ki
		if s.account == "" {
			// arn:<partition>:kms:<region>:<account>:key/<id>
			p := strings.Split(md.Arn, ":")
			if len(p) < 6 {
				return fmt.Errorf("CreateKey: malformed key ARN %q", md.Arn)
			}
			s.region, s.account = p[3], p[4]
		}
		if s.imported {
			if err := s.importMaterial(ctx, ki.ID, material[sl.Name]); err != nil {
				return s.importFailed(importStep(err), err)
			}
			if err := s.waitState(ctx, ki.ID, "Enabled", poll); err != nil {
				return s.importFailed("waiting for the imported key to be Enabled", err)
			}
		}
		if sl.Alias {
			ki.Alias = "alias/kmsmac-diff-" + runID + "-" + sl.Name
			ki.AliasARN = strings.Join(strings.Split(md.Arn, ":")[:5], ":") + ":" + ki.Alias
			if err := s.ep.callJSON(ctx, "CreateAlias", map[string]string{"AliasName": ki.Alias, "TargetKeyId": ki.ID}, nil); err != nil {
				return err
			}
			s.aliases = append(s.aliases, ki.Alias)
		}
	}
	for _, sl := range slots {
		ki := s.keys[sl.Name]
		if sl.Alias {
			// Real KMS is eventually consistent (EC-1): wait until the
			// alias resolves before the run relies on it.
			if err := s.waitState(ctx, ki.Alias, "", poll); err != nil {
				return err
			}
		}
		if sl.Disabled {
			if err := s.ep.callJSON(ctx, "DisableKey", map[string]string{"KeyId": ki.ID}, nil); err != nil {
				return err
			}
			if err := s.waitState(ctx, ki.ID, "Disabled", poll); err != nil {
				return err
			}
		}
	}
	var pairs [][2]string
	for name, ki := range s.keys {
		pairs = append(pairs,
			[2]string{ki.AliasARN, "<alias-arn:" + name + ">"},
			[2]string{ki.Alias, "<alias:" + name + ">"},
			[2]string{ki.ARN, "<key-arn:" + name + ">"},
			[2]string{ki.ID, "<key-id:" + name + ">"})
	}
	pairs = append(pairs, [2]string{s.account, "<account>"})
	s.names = newNames(pairs)
	return nil
}

// importStep names the import call that failed, for the fallback note.
func importStep(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Op
	}
	return "import"
}

func (s *side) importMaterial(ctx context.Context, keyID string, material []byte) error {
	var params struct {
		ImportToken []byte
		PublicKey   []byte
	}
	if err := s.ep.callJSON(ctx, "GetParametersForImport", map[string]string{
		"KeyId": keyID, "WrappingAlgorithm": wrappingAlgorithm, "WrappingKeySpec": wrappingKeySpec,
	}, &params); err != nil {
		return err
	}
	wrapped, err := keywrap.Wrap(params.PublicKey, wrappingAlgorithm, material)
	if err != nil {
		return fmt.Errorf("wrapping key material: %w", err)
	}
	return s.ep.callJSON(ctx, "ImportKeyMaterial", map[string]any{
		"KeyId":                keyID,
		"ImportToken":          params.ImportToken,
		"EncryptedKeyMaterial": wrapped,
		"ExpirationModel":      "KEY_MATERIAL_DOES_NOT_EXPIRE",
	}, nil)
}

// waitState polls DescribeKey until the key is in state (any state when
// state is ""), for at most poll.
func (s *side) waitState(ctx context.Context, keyID, state string, poll time.Duration) error {
	deadline := time.Now().Add(poll)
	delay := 100 * time.Millisecond
	for {
		var out keyMetadata
		err := s.ep.callJSON(ctx, "DescribeKey", map[string]string{"KeyId": keyID}, &out)
		if err == nil && (state == "" || out.KeyMetadata.KeyState == state) {
			return nil
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("waiting for %s: %w", keyID, err)
			}
			return fmt.Errorf("waiting for %s: state %s after %s, want %s", keyID, out.KeyMetadata.KeyState, poll, state)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// checkImported compares one GenerateMac with the local HMAC of the
// imported material (GM-OK-4); a mismatch is worth saying up front.
func (s *side) checkImported(ctx context.Context) string {
	const slot = "k2"
	msg := []byte("kmsmac diff import check")
	var out struct{ Mac []byte }
	err := s.ep.callJSON(ctx, "GenerateMac", map[string]any{"KeyId": s.keys[slot].ID, "Message": msg, "MacAlgorithm": "HMAC_SHA_256"}, &out)
	if err != nil {
		return fmt.Sprintf("%s: GenerateMac with imported material failed: %v", s.label, err)
	}
	want := s.macFor(ctx, slot, msg)
	if string(out.Mac) != string(want) {
		return fmt.Sprintf("%s: GenerateMac with imported material is not the HMAC of that material (got %s, want %s)", s.label, hex.EncodeToString(out.Mac), hex.EncodeToString(want))
	}
	return ""
}

// macFor is slot's correct MAC over msg on this side, as a fresh slice.
func (s *side) macFor(ctx context.Context, slot string, msg []byte) []byte {
	spec, ok := kmsspec.ByKeySpec(slotByName(slot).Spec)
	if !ok {
		return nil
	}
	if s.imported {
		return kmsspec.HMAC(spec.Algorithm, s.material[slot], msg)
	}
	sum := sha256.Sum256(msg)
	ck := slot + "/" + hex.EncodeToString(sum[:])
	s.mu.Lock()
	tag, hit := s.cache[ck]
	s.mu.Unlock()
	if !hit {
		tag = s.generatedMac(ctx, slot, spec, msg)
		s.mu.Lock()
		s.cache[ck] = tag
		s.mu.Unlock()
	}
	return append([]byte(nil), tag...)
}

// generatedMac asks the side for the MAC of a generated key. When it cannot
// (empty message, disabled key, an endpoint error) the tag is stand-in
// bytes of the right length, derived from the inputs.
func (s *side) generatedMac(ctx context.Context, slot string, spec kmsspec.Spec, msg []byte) []byte {
	if len(msg) > 0 && !slotByName(slot).Disabled {
		var out struct{ Mac []byte }
		err := s.ep.callJSON(ctx, "GenerateMac", map[string]any{"KeyId": s.keys[slot].ID, "Message": msg, "MacAlgorithm": spec.Algorithm}, &out)
		if err == nil && len(out.Mac) > 0 {
			return out.Mac
		}
	}
	var tag []byte
	seed := sha256.Sum256(append([]byte(slot+"/"), msg...))
	for len(tag) < spec.Size {
		seed = sha256.Sum256(seed[:])
		tag = append(tag, seed[:]...)
	}
	return tag[:spec.Size]
}

// cleanup deletes the aliases and schedules the keys for deletion (7 days,
// the shortest window); it reports what it could not do.
func (s *side) cleanup(ctx context.Context) []string {
	var problems []string
	for _, a := range s.aliases {
		if err := s.ep.callJSON(ctx, "DeleteAlias", map[string]string{"AliasName": a}, nil); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.label, err))
		}
	}
	for _, k := range s.created {
		err := s.ep.callJSON(ctx, "ScheduleKeyDeletion", map[string]any{"KeyId": k, "PendingWindowInDays": 7}, nil)
		var ae *APIError
		if errors.As(err, &ae) && ae.Code == "KMSInvalidStateException" {
			continue // already pending deletion
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", s.label, err))
		}
	}
	s.aliases, s.created = nil, nil
	return problems
}
