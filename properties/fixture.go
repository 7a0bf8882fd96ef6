package properties

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/kmsmac/kmsmac/internal/keywrap"
	"github.com/kmsmac/kmsmac/reference/mac"
)

// Fixture is the set of keys the MAC checks use: two AWS-generated keys per
// HMAC spec (for "another key of the same spec") and one key per spec with
// imported material the harness knows (for exact expected MACs).
type Fixture struct {
	// Keys maps a key spec (HMAC_256) to the ARNs of two AWS_KMS keys.
	Keys map[string][]string
	// Imported maps a key spec to a key with known material.
	Imported map[string]ImportedKey

	client  *kms.Client
	created []string
}

// ImportedKey is an EXTERNAL-origin key and the material imported into it.
type ImportedKey struct {
	KeyID    string
	Material []byte
}

// harnessTag marks every key the properties create (DESIGN: tag every key).
var harnessTag = []types.Tag{{TagKey: aws.String("kmsmac"), TagValue: aws.String("properties")}}

// NewFixture creates the keys of a Fixture. On error the keys created so far
// are scheduled for deletion.
func NewFixture(ctx context.Context, client *kms.Client) (*Fixture, error) {
	f := &Fixture{Keys: map[string][]string{}, Imported: map[string]ImportedKey{}, client: client}
	for _, spec := range mac.Specs {
		for range 2 {
			id, err := f.createKey(ctx, spec.KeySpec, types.OriginTypeAwsKms)
			if err != nil {
				f.Close(ctx)
				return nil, err
			}
			f.Keys[spec.KeySpec] = append(f.Keys[spec.KeySpec], id)
		}
		material := make([]byte, spec.Size)
		if _, err := rand.Read(material); err != nil {
			f.Close(ctx)
			return nil, err
		}
		id, err := f.createKey(ctx, spec.KeySpec, types.OriginTypeExternal)
		if err == nil {
			err = ImportMaterial(ctx, client, id, material)
		}
		if err != nil {
			f.Close(ctx)
			return nil, err
		}
		f.Imported[spec.KeySpec] = ImportedKey{KeyID: id, Material: material}
	}
	return f, nil
}

func (f *Fixture) createKey(ctx context.Context, keySpec string, origin types.OriginType) (string, error) {
	id, err := CreateHMACKey(ctx, f.client, keySpec, origin)
	if err != nil {
		return "", err
	}
	f.created = append(f.created, id)
	return id, nil
}

// Close schedules every key the fixture created for deletion (7-day
// window, the minimum) and returns the first error.
func (f *Fixture) Close(ctx context.Context) error {
	var first error
	for _, id := range f.created {
		_, err := f.client.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: aws.String(id), PendingWindowInDays: aws.Int32(7)})
		if err != nil && first == nil {
			first = fmt.Errorf("scheduling deletion of %s: %w", id, err)
		}
	}
	f.created = nil
	return first
}

// CreateHMACKey creates a GENERATE_VERIFY_MAC key with the given spec and
// origin, tagged as the harness's, and returns its ARN.
func CreateHMACKey(ctx context.Context, client *kms.Client, keySpec string, origin types.OriginType) (string, error) {
	out, err := client.CreateKey(ctx, &kms.CreateKeyInput{
		KeySpec:     types.KeySpec(keySpec),
		KeyUsage:    types.KeyUsageTypeGenerateVerifyMac,
		Origin:      origin,
		Description: aws.String("kmsmac property test"),
		Tags:        harnessTag,
	})
	if err != nil {
		return "", fmt.Errorf("CreateKey %s %s: %w", keySpec, origin, err)
	}
	if out.KeyMetadata == nil || out.KeyMetadata.Arn == nil {
		return "", errors.New("CreateKey: no KeyMetadata.Arn in the answer")
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

// fixture returns cfg.Fixture, or a new one and a function that closes it.
func fixture(ctx context.Context, client *kms.Client, cfg Config) (*Fixture, func(), error) {
	if cfg.Fixture != nil {
		return cfg.Fixture, func() {}, nil
	}
	f, err := NewFixture(ctx, client)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { _ = f.Close(context.WithoutCancel(ctx)) }, nil
}
