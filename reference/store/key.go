package store

import (
	"time"

	"github.com/kmsmac/kmsmac/kmsspec"
	"github.com/kmsmac/kmsmac/reference/mac"
)

// State is a KMS key state (KeyMetadata.KeyState), as kmsspec defines it.
type State = kmsspec.KeyState

// The KMS key states. Unavailable exists only for custom key stores, which
// the reference does not have.
const (
	Creating               = kmsspec.Creating
	Enabled                = kmsspec.Enabled
	Disabled               = kmsspec.Disabled
	PendingDeletion        = kmsspec.PendingDeletion
	PendingReplicaDeletion = kmsspec.PendingReplicaDeletion
	PendingImport          = kmsspec.PendingImport
	Unavailable            = kmsspec.Unavailable
	Updating               = kmsspec.Updating
)

// Expiration models of imported key material.
const (
	MaterialExpires       = "KEY_MATERIAL_EXPIRES"
	MaterialDoesNotExpire = "KEY_MATERIAL_DOES_NOT_EXPIRE"
)

// Key is one KMS key. The exported fields are fixed at creation.
type Key struct {
	ID          string // UUID, or mrk- + 32 hex for multi-Region keys
	ARN         string // the service makes ID a substring of ARN, to save memory
	KeySpec     string // HMAC_256, SYMMETRIC_DEFAULT, RSA_2048, ...
	KeyUsage    string // GENERATE_VERIFY_MAC, ENCRYPT_DECRYPT, ...
	Origin      string // AWS_KMS or EXTERNAL
	Created     time.Time
	MultiRegion bool

	seq int    // position in creation order, for ListKeys markers
	ord uint64 // creation number, saved: seq is renumbered when keys go
	m   Mutable
}

// Mutable is the part of a key that operations change.
type Mutable struct {
	State       State
	Description string
	Policy      string // "" means the default key policy
	Tags        []Tag

	DeletionDate      time.Time // set while PendingDeletion
	PendingWindowDays int       // set while PendingDeletion

	// MAC is the precomputed HMAC state; nil for non-HMAC keys and for
	// EXTERNAL keys without material.
	MAC *mac.Key
	// HasMaterial reports key material is present (AWS_KMS keys always,
	// EXTERNAL keys after import until deleted or expired).
	HasMaterial     bool
	RotationEnabled bool // symmetric keys only
	// Imported is a digest of the first material imported into an
	// EXTERNAL key (nil before): later imports must carry the same bytes
	// (IMP-10). A pointer keeps never-imported keys small.
	Imported        *[32]byte
	ExpirationModel string    // "" when no material is imported
	ValidTo         time.Time // zero unless ExpirationModel is KEY_MATERIAL_EXPIRES
	// Replica marks a multi-Region replica; a multi-Region key without it
	// is the primary (UpdatePrimaryRegion moves the mark between Regions).
	Replica bool
}

// Tag is a key tag.
type Tag struct {
	Key, Value string
}

// expired reports whether imported material has passed its ValidTo.
func (m *Mutable) expired(now time.Time) bool {
	return m.HasMaterial && m.ExpirationModel == MaterialExpires && !m.ValidTo.IsZero() && !now.Before(m.ValidTo)
}

// DropMaterial removes imported material: the key goes to PendingImport
// (unless it is pending deletion) and loses its expiration model.
func (m *Mutable) DropMaterial() {
	m.MAC = nil
	m.HasMaterial = false
	m.ExpirationModel = ""
	m.ValidTo = time.Time{}
	if m.State != PendingDeletion && m.State != PendingReplicaDeletion {
		m.State = PendingImport
	}
}

// effective applies material expiry to a copy without touching the key.
func (m Mutable) effective(now time.Time) Mutable {
	if m.expired(now) {
		m.DropMaterial()
	}
	return m
}
