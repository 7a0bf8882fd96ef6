package properties

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/internal/keywrap"
	"github.com/kmsmac/kmsmac/kmsspec"
)

// Fixture is the set of keys the MAC checks use: two AWS-generated keys per
// HMAC spec (for "another key of the same spec") and one key per spec with
// imported material the harness knows (for exact expected MACs).
type Fixture struct {
	// Keys maps a key spec (HMAC_256) to the ARNs of two AWS_KMS keys.
	Keys map[string][]string
	// Imported maps a key spec to a key with known material; empty when
	// the endpoint could not import (ImportErr says why).
	Imported  map[string]ImportedKey
	ImportErr error

	client  *kms.Client
	cfg     Config // tags and creation callback
	created []string
}

// ImportedKey is an EXTERNAL-origin key and the material imported into it.
type ImportedKey struct {
	KeyID    string
	Material []byte
}

// DefaultTags mark the keys a check creates when Config.Tags is nil
// (DESIGN: tag every key).
var DefaultTags = map[string]string{"kmsmac": "properties"}

// kmsTags turns tags (nil: DefaultTags) into SDK tags, sorted by key so
// requests are reproducible.
func kmsTags(tags map[string]string) []types.Tag {
	if tags == nil {
		tags = DefaultTags
	}
	names := make([]string, 0, len(tags))
	for k := range tags {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make([]types.Tag, 0, len(names))
	for _, k := range names {
		out = append(out, types.Tag{TagKey: aws.String(k), TagValue: aws.String(tags[k])})
	}
	return out
}

// NewFixture creates the keys of a Fixture. If importing fails the Fixture
// has no imported keys and records ImportErr; any other error schedules the
// keys created so far for deletion and is returned.
func NewFixture(ctx context.Context, client *kms.Client) (*Fixture, error) {
	return newFixture(ctx, client, nil, Config{})
}

// NewFixtureConfig is NewFixture with cfg's Tags and KeyCreated applied to
// every key, and no import when cfg.NoImport is set.
func NewFixtureConfig(ctx context.Context, client *kms.Client, cfg Config) (*Fixture, error) {
	var importErr error
	if cfg.NoImport {
		importErr = errNoImport
	}
	return newFixture(ctx, client, importErr, cfg)
}

// errNoImport marks a Fixture made for an endpoint without import.
var errNoImport = errors.New("import disabled (endpoint lacks the import capability)")

// NewFixtureWithoutImport creates only the AWS_KMS keys, for endpoints that
// cannot import key material; ImportErr says so.
func NewFixtureWithoutImport(ctx context.Context, client *kms.Client) (*Fixture, error) {
	return newFixture(ctx, client, errNoImport, Config{})
}

func newFixture(ctx context.Context, client *kms.Client, importErr error, cfg Config) (*Fixture, error) {
	f := &Fixture{Keys: map[string][]string{}, Imported: map[string]ImportedKey{}, client: client, ImportErr: importErr, cfg: cfg}
	for _, spec := range kmsspec.Specs {
		for range 2 {
			id, err := f.createKey(ctx, spec.KeySpec, types.OriginTypeAwsKms)
			if err != nil {
				return nil, f.abandon(ctx, err)
			}
			f.Keys[spec.KeySpec] = append(f.Keys[spec.KeySpec], id)
		}
		if f.ImportErr != nil {
			continue
		}
		material := make([]byte, spec.Size)
		if _, err := rand.Read(material); err != nil {
			return nil, f.abandon(ctx, err)
		}
		id, err := f.createKey(ctx, spec.KeySpec, types.OriginTypeExternal)
		if err == nil {
			err = ImportMaterial(ctx, client, id, material)
		}
		if err != nil {
			// Emulators without import still get the other checks.
			f.ImportErr, f.Imported = err, map[string]ImportedKey{}
			continue
		}
		f.Imported[spec.KeySpec] = ImportedKey{KeyID: id, Material: material}
	}
	return f, nil
}

// abandon closes a fixture that failed half way with err, and returns err
// with Close's error added: the caller gets no fixture to close, so a key
// left behind is said here or nowhere.
func (f *Fixture) abandon(ctx context.Context, err error) error {
	if cerr := f.Close(ctx); cerr != nil {
		return fmt.Errorf("%w (and cleaning up: %v)", err, cerr)
	}
	return err
}

func (f *Fixture) createKey(ctx context.Context, keySpec string, origin types.OriginType) (string, error) {
	id, err := f.cfg.createHMACKey(ctx, f.client, keySpec, origin)
	if err != nil {
		return "", err
	}
	f.created = append(f.created, id)
	return id, nil
}

// Created lists the ARNs of every key the fixture created, including an
// EXTERNAL key whose import failed (it is in neither Keys nor Imported).
func (f *Fixture) Created() []string { return append([]string(nil), f.created...) }

// Close schedules every key the fixture created for deletion (7-day
// window, the minimum) and returns the first error, saying how many keys
// were left. It names each key by its id, which every emulator takes (moto
// 5.2 answers 500 to an ARN).
func (f *Fixture) Close(ctx context.Context) error {
	var first error
	failed := 0
	for _, id := range f.created {
		_, err := f.client.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(keyIDOf(id)), PendingWindowInDays: aws.Int32(7)})
		if err != nil {
			failed++
			if first == nil {
				first = fmt.Errorf("scheduling deletion of %s: %w", id, err)
			}
		}
	}
	n := len(f.created)
	f.created = nil
	if failed > 1 {
		return fmt.Errorf("%w (%d of %d keys not scheduled for deletion)", first, failed, n)
	}
	return first
}

// createHMACKey creates a GENERATE_VERIFY_MAC key with the given spec and
// origin, tagged with c's tags, reports it to c.KeyCreated and returns its
// ARN.
func (c Config) createHMACKey(ctx context.Context, client *kms.Client, keySpec string, origin types.OriginType) (string, error) {
	out, err := client.CreateKey(ctx, &kms.CreateKeyInput{
		KeySpec:     types.KeySpec(keySpec),
		KeyUsage:    types.KeyUsageTypeGenerateVerifyMac,
		Origin:      origin,
		Description: aws.String("kmsmac property test"),
		Tags:        kmsTags(c.Tags),
	})
	if err != nil {
		return "", fmt.Errorf("CreateKey %s %s: %w", keySpec, origin, err)
	}
	if out.KeyMetadata == nil || out.KeyMetadata.Arn == nil {
		return "", errors.New("CreateKey: no KeyMetadata.Arn in the answer")
	}
	if c.KeyCreated != nil {
		c.KeyCreated(*out.KeyMetadata.Arn)
	}
	return *out.KeyMetadata.Arn, nil
}

// ImportMaterial imports material into an EXTERNAL key: GetParametersForImport
// (RSAES_OAEP_SHA_256, RSA_2048), client-side wrapping, ImportKeyMaterial with
// KEY_MATERIAL_DOES_NOT_EXPIRE.
func ImportMaterial(ctx context.Context, client *kms.Client, keyID string, material []byte) error {
	o := importMaterial(ctx, client, keyID, material)
	if o.Err != nil {
		return o.Err
	}
	if !o.OK() {
		return fmt.Errorf("importing material into %s: %s", keyID, o)
	}
	return nil
}

// importMaterial is ImportMaterial reporting the first failing call's Outcome.
func importMaterial(ctx context.Context, client *kms.Client, keyID string, material []byte) Outcome {
	params, err := client.GetParametersForImport(ctx, &kms.GetParametersForImportInput{
		KeyId:             aws.String(keyID),
		WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256,
		WrappingKeySpec:   types.WrappingKeySpecRsa2048,
	})
	if err != nil {
		return fromSDK(err)
	}
	wrapped, err := keywrap.Wrap(params.PublicKey, keywrap.RSAESOAEPSHA256, material)
	if err != nil {
		return Outcome{Err: fmt.Errorf("wrapping material for %s: %w", keyID, err)}
	}
	_, err = client.ImportKeyMaterial(ctx, &kms.ImportKeyMaterialInput{
		KeyId:                aws.String(keyID),
		ImportToken:          params.ImportToken,
		EncryptedKeyMaterial: wrapped,
		ExpirationModel:      types.ExpirationModelTypeKeyMaterialDoesNotExpire,
	})
	return fromSDK(err)
}

// fixture returns cfg.Fixture, or a new one; done closes what fixture
// created (also when it fails half way) and returns Close's error.
func fixture(ctx context.Context, client *kms.Client, cfg Config) (fx *Fixture, done func() error, err error) {
	if cfg.Fixture != nil {
		return cfg.Fixture, func() error { return nil }, nil
	}
	f, err := NewFixtureConfig(ctx, client, cfg)
	if err == nil && cfg.Wait > 0 {
		err = f.WaitReady(ctx, cfg.Wait)
	}
	done = func() error {
		if f == nil {
			return nil
		}
		return f.Close(context.WithoutCancel(ctx))
	}
	if err != nil {
		return nil, done, err
	}
	return f, done, nil
}

// withFixture runs body with the check's fixture and closes it afterwards;
// a fixture the endpoint refuses to create blocks the check (CK-1), one
// that cannot be made for another reason fails it.
func withFixture(ctx context.Context, client *kms.Client, cfg Config, name string, body func(fx *Fixture) Result) (r Result) {
	fx, done, err := fixture(ctx, client, cfg)
	defer func() {
		if err := done(); err != nil {
			r.Cleanup = append(r.Cleanup, err.Error())
		}
	}()
	if err != nil {
		if o := fromSDK(err); o.Err == nil && o.Status != 0 {
			return blocked(name, cfg, Block{Rule: "CK-1", Reason: "creating the check's keys: " + err.Error()})
		}
		return failed(name, cfg, err)
	}
	return body(fx)
}

// WaitReady polls until GenerateMac works with every fixture key, for at
// most d: on eventually consistent endpoints a new key may not be found at
// once (rules.md EC-1).
func (f *Fixture) WaitReady(ctx context.Context, d time.Duration) error {
	var ids []string
	for _, keys := range f.Keys {
		ids = append(ids, keys...)
	}
	for _, k := range f.Imported {
		ids = append(ids, k.KeyID)
	}
	deadline := time.Now().Add(d)
	for _, id := range ids {
		out, err := f.client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
		spec := ""
		if err == nil && out.KeyMetadata != nil {
			spec = string(out.KeyMetadata.KeySpec)
		}
		s, ok := kmsspec.ByKeySpec(spec)
		for {
			var o Outcome
			if ok {
				_, o, _ = generate(ctx, f.client, id, s.Algorithm, []byte("kmsmac"), nil)
			} else {
				o = fromSDK(err)
			}
			if o.OK() {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("key %s not usable after %s: %s", id, d, o)
			}
			time.Sleep(500 * time.Millisecond)
			if !ok {
				out, err = f.client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
				if err == nil && out.KeyMetadata != nil {
					s, ok = kmsspec.ByKeySpec(string(out.KeyMetadata.KeySpec))
				}
			}
		}
	}
	return nil
}

// importBlock names what an import failure shows the endpoint lacks: an
// EXTERNAL HMAC key (CK-11) or import itself (IMP-1).
func importBlock(err error) Block {
	if strings.Contains(err.Error(), "CreateKey ") {
		return Block{Rule: "CK-11", Reason: err.Error()}
	}
	return Block{Rule: "IMP-1", Reason: err.Error()}
}
