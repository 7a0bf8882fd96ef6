package store

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/kmsmac/kmsmac/reference/mac"
)

// The saved form of each record: JSON, every field named, so a record
// written by an older build still reads (missing fields are zero).

type keyRecord struct {
	ID, ARN, KeySpec, KeyUsage, Origin string
	Created                            time.Time
	MultiRegion                        bool `json:",omitempty"`
	Ord                                uint64

	State             State
	Description       string    `json:",omitempty"`
	Policy            string    `json:",omitempty"`
	Tags              []Tag     `json:",omitempty"`
	DeletionDate      time.Time `json:",omitzero"`
	PendingWindowDays int       `json:",omitempty"`
	// MACInner/MACOuter are the HMAC key's hash states (mac.Key.State):
	// they give the same MACs as the material without being it.
	MACInner, MACOuter []byte    `json:",omitempty"`
	HasMaterial        bool      `json:",omitempty"`
	RotationEnabled    bool      `json:",omitempty"`
	Imported           []byte    `json:",omitempty"`
	ExpirationModel    string    `json:",omitempty"`
	ValidTo            time.Time `json:",omitzero"`
	Replica            bool      `json:",omitempty"`
}

func encodeKey(k *Key) []byte {
	m := &k.m
	r := keyRecord{ID: k.ID, ARN: k.ARN, KeySpec: k.KeySpec, KeyUsage: k.KeyUsage, Origin: k.Origin,
		Created: k.Created, MultiRegion: k.MultiRegion, Ord: k.ord,
		State: m.State, Description: m.Description, Policy: m.Policy, Tags: m.Tags,
		DeletionDate: m.DeletionDate, PendingWindowDays: m.PendingWindowDays,
		HasMaterial: m.HasMaterial, RotationEnabled: m.RotationEnabled,
		ExpirationModel: m.ExpirationModel, ValidTo: m.ValidTo, Replica: m.Replica}
	if m.MAC != nil {
		r.MACInner, r.MACOuter = m.MAC.State()
	}
	if m.Imported != nil {
		r.Imported = m.Imported[:]
	}
	return mustJSON(r)
}

func decodeKey(data []byte) (*Key, error) {
	var r keyRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	if r.ID == "" || r.ARN == "" {
		return nil, fmt.Errorf("no key id or ARN")
	}
	id := r.ID
	if strings.HasSuffix(r.ARN, r.ID) {
		id = r.ARN[len(r.ARN)-len(r.ID):] // shares the ARN's bytes, as CreateKey does
	}
	k := &Key{ID: id, ARN: r.ARN, KeySpec: r.KeySpec, KeyUsage: r.KeyUsage, Origin: r.Origin,
		Created: r.Created, MultiRegion: r.MultiRegion, ord: r.Ord}
	k.m = Mutable{State: r.State, Description: r.Description, Policy: r.Policy, Tags: r.Tags,
		DeletionDate: r.DeletionDate, PendingWindowDays: r.PendingWindowDays,
		HasMaterial: r.HasMaterial, RotationEnabled: r.RotationEnabled,
		ExpirationModel: r.ExpirationModel, ValidTo: r.ValidTo, Replica: r.Replica}
	if r.MACInner != nil || r.MACOuter != nil {
		sp, ok := mac.ByKeySpec(r.KeySpec)
		if !ok {
			return nil, fmt.Errorf("MAC state for non-HMAC key spec %q", r.KeySpec)
		}
		mk, err := mac.FromState(sp, r.MACInner, r.MACOuter)
		if err != nil {
			return nil, err
		}
		k.m.MAC = mk
	}
	if r.Imported != nil {
		if len(r.Imported) != 32 {
			return nil, fmt.Errorf("imported-material digest of %d bytes, want 32", len(r.Imported))
		}
		k.m.Imported = (*[32]byte)(r.Imported)
	}
	return k, nil
}

func encodeAlias(a *Alias) []byte { return mustJSON(a) }

func decodeAlias(data []byte) (*Alias, error) {
	var a Alias
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, err
	}
	if a.Name == "" || a.TargetKeyID == "" {
		return nil, fmt.Errorf("no alias name or target")
	}
	return &a, nil
}

func encodeGrant(g *Grant) []byte { return mustJSON(g) }

func decodeGrant(data []byte) (*Grant, error) {
	var g Grant
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, err
	}
	if g.ID == "" || g.Token == "" || g.KeyID == "" {
		return nil, fmt.Errorf("no grant id, token or key")
	}
	return &g, nil
}

type importRecord struct {
	Token        []byte // opaque bytes; JSON base64 keeps them intact
	KeyID        string
	WrappingSpec string
	Algorithm    string
	ExpiresAt    time.Time
	PrivateDER   []byte // PKCS #8: the token must still unwrap after a restart
}

func encodeImport(p *ImportParams) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(p.Private)
	if err != nil {
		return nil, err
	}
	return mustJSON(importRecord{Token: []byte(p.Token), KeyID: p.KeyID, WrappingSpec: p.WrappingSpec,
		Algorithm: p.Algorithm, ExpiresAt: p.ExpiresAt, PrivateDER: der}), nil
}

func decodeImport(data []byte) (*ImportParams, error) {
	var r importRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	priv, err := x509.ParsePKCS8PrivateKey(r.PrivateDER)
	if err != nil {
		return nil, err
	}
	rk, ok := priv.(*rsa.PrivateKey)
	if !ok || len(r.Token) == 0 {
		return nil, fmt.Errorf("no token or no RSA wrapping key")
	}
	return &ImportParams{Token: string(r.Token), KeyID: r.KeyID, WrappingSpec: r.WrappingSpec,
		Algorithm: r.Algorithm, ExpiresAt: r.ExpiresAt, Private: rk}, nil
}

// mustJSON marshals the record types above, which cannot fail.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("store: encoding a record: " + err.Error())
	}
	return b
}

// importID is the backend id of import parameters: the token is binary.
func importID(token string) string { return fmt.Sprintf("%x", token) }
