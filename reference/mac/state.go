package mac

import (
	"bytes"
	"encoding"
	"fmt"
)

// State returns the key's inner and outer hash states after one block, as
// the hash marshals them: enough to rebuild the same Key (FromState)
// without keeping the material itself, which is what a durable store saves.
func (k *Key) State() (inner, outer []byte) {
	n, s := k.spec.cvLen, k.spec
	inner = bytes.Clone(s.tmpl)
	outer = bytes.Clone(s.tmpl)
	copy(inner[s.cv:], k.cv[:n])
	copy(outer[s.cv:], k.cv[n:2*n])
	return inner, outer
}

// FromState rebuilds a Key saved with State. It checks that both states
// belong to spec's hash after one block, so a damaged record is an error,
// never a panic in a later Sum.
func FromState(spec *Spec, inner, outer []byte) (*Key, error) {
	if spec == nil {
		return nil, fmt.Errorf("mac: nil spec")
	}
	n := spec.cvLen
	k := &Key{spec: spec, cv: make([]byte, 2*n)}
	for i, st := range [][]byte{inner, outer} {
		if err := spec.newHash().(encoding.BinaryUnmarshaler).UnmarshalBinary(st); err != nil {
			return nil, fmt.Errorf("mac: %s hash state: %w", spec.KeySpec, err)
		}
		// Everything but the chaining value is the template's (one block absorbed).
		if len(st) != len(spec.tmpl) || !bytes.Equal(st[:spec.cv], spec.tmpl[:spec.cv]) || !bytes.Equal(st[spec.cv+n:], spec.tmpl[spec.cv+n:]) {
			return nil, fmt.Errorf("mac: %s hash state is not one block's", spec.KeySpec)
		}
		copy(k.cv[i*n:(i+1)*n], st[spec.cv:spec.cv+n])
	}
	return k, nil
}
