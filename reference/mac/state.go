package mac

import (
	"bytes"
	"encoding"
	"fmt"
)

// State returns the key's precomputed inner and outer hash states: enough
// to rebuild the same Key (FromState) without keeping the material itself,
// which is what a durable store saves.
func (k *Key) State() (inner, outer []byte) {
	return bytes.Clone(k.inner), bytes.Clone(k.outer)
}

// FromState rebuilds a Key saved with State. It checks that both states
// belong to spec's hash, so a damaged record is an error, never a panic in
// a later Sum.
func FromState(spec *Spec, inner, outer []byte) (*Key, error) {
	if spec == nil {
		return nil, fmt.Errorf("mac: nil spec")
	}
	for _, st := range [][]byte{inner, outer} {
		if err := spec.newHash().(encoding.BinaryUnmarshaler).UnmarshalBinary(st); err != nil {
			return nil, fmt.Errorf("mac: %s hash state: %w", spec.KeySpec, err)
		}
	}
	return &Key{spec: spec, inner: bytes.Clone(inner), outer: bytes.Clone(outer)}, nil
}
