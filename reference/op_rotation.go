package reference

import (
	"context"
	"github.com/kmsmac/kmsmac/reference/shapes"
	"strings"

	"github.com/kmsmac/kmsmac/reference/request"
	"github.com/kmsmac/kmsmac/reference/store"
)

// Key rotation. HMAC keys cannot rotate (ROT-1, ROT-2). The reference keeps
// a rotation flag for symmetric AWS_KMS keys and never rotates anything.

// rotationUnsupported is the refusal for keys that cannot rotate. AWS's
// text for HMAC keys is not recorded (ROT-1); this one names the spec.
func rotationUnsupported(k *store.Key) error {
	if k.KeySpec == "SYMMETRIC_DEFAULT" && k.Origin == "AWS_KMS" {
		return nil
	}
	if k.KeySpec == "SYMMETRIC_DEFAULT" {
		return errOrigin(k)
	}
	return errUnsupported(k.ARN + " key spec " + k.KeySpec + " does not support key rotation.")
}

func (s *Service) enableKeyRotation(_ context.Context, body []byte) ([]byte, error) {
	var req shapes.EnableKeyRotationRequest
	view, err := s.decodeKeyed(body, &req, &req.KeyId, keysOnly, func(v *request.Violations) {
		v.IntRange("rotationPeriodInDays", req.RotationPeriodInDays, 90, 2560)
	})
	if err != nil {
		return nil, err
	}
	return s.setRotation(view.Key, true)
}

func (s *Service) disableKeyRotation(_ context.Context, body []byte) ([]byte, error) {
	k, err := s.keyOnlyRequest(body)
	if err != nil {
		return nil, err
	}
	return s.setRotation(k, false)
}

func (s *Service) setRotation(k *store.Key, on bool) ([]byte, error) {
	if err := rotationUnsupported(k); err != nil {
		return nil, err
	}
	return s.updateNoOutput(k, func(m *store.Mutable) error {
		if err := cryptoStateErr(k.ARN, m.State); err != nil {
			return err
		}
		m.RotationEnabled = on
		return nil
	})
}

// getKeyRotationStatus on an HMAC key is UnsupportedOperationException,
// one of the two behaviours the docs allow (AMB-13).
func (s *Service) getKeyRotationStatus(_ context.Context, body []byte) ([]byte, error) {
	k, err := s.keyOnlyRequest(body)
	if err != nil {
		return nil, err
	}
	if err := rotationUnsupported(k); err != nil {
		return nil, err
	}
	_, m, ok := s.store.Snapshot(k.ID)
	if !ok {
		return nil, errKeyNotFound(k.ARN)
	}
	out := struct {
		KeyRotationEnabled   bool   `json:"KeyRotationEnabled"`
		KeyId                string `json:"KeyId"`
		RotationPeriodInDays int    `json:"RotationPeriodInDays,omitempty"`
	}{KeyRotationEnabled: m.RotationEnabled, KeyId: k.ARN}
	if m.RotationEnabled {
		out.RotationPeriodInDays = 365
	}
	return marshal(out)
}

// rotateKeyOnDemand: for a non-symmetric key real AWS sent
// UnsupportedOperationException with an empty message (ROT-2); HMAC keys
// get the same. The reference does not rotate symmetric keys either.
func (s *Service) rotateKeyOnDemand(_ context.Context, body []byte) ([]byte, error) {
	k, err := s.keyOnlyRequest(body)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(k.KeySpec, "SYMMETRIC") {
		return nil, errUnsupported("")
	}
	return nil, errUnsupported("The kmsmac reference does not implement RotateKeyOnDemand.")
}
