package store

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"sync"
	"time"
)

// ImportParams are what GetParametersForImport handed out: the token is
// bound to one key, one wrapping key and one wrapping algorithm until
// ExpiresAt.
type ImportParams struct {
	Token        string // opaque random bytes, as a Go string
	KeyID        string
	WrappingSpec string // RSA_2048, RSA_3072, RSA_4096
	Algorithm    string // RSAES_OAEP_SHA_1, ...
	ExpiresAt    time.Time
	Private      *rsa.PrivateKey
}

// WrappingBits maps the wrapping key specs to RSA modulus sizes.
var WrappingBits = map[string]int{"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}

// processWrapping holds the process's RSA wrapping key of each spec,
// generated once on first use and shared by every Store: RSA-4096
// generation takes a CPU second, and the key guards only material on its
// way into this process. The first request for one spec starts the others
// in the background, as a client that imports once usually tries the other
// specs too. The map is built once and only read.
var processWrapping = func() map[string]*onceKey {
	m := make(map[string]*onceKey, len(WrappingBits))
	for spec, bits := range WrappingBits {
		m[spec] = &onceKey{bits: bits}
	}
	return m
}()

var prewarm sync.Once

type onceKey struct {
	bits int
	once sync.Once
	key  *rsa.PrivateKey
	der  []byte // the public half, DER SubjectPublicKeyInfo
	err  error
}

func (o *onceKey) generate() {
	o.once.Do(func() {
		if o.key, o.err = rsa.GenerateKey(rand.Reader, o.bits); o.err == nil {
			o.der, o.err = x509.MarshalPKIXPublicKey(&o.key.PublicKey)
		}
	})
}

// WrappingKey returns the endpoint's RSA wrapping key of this spec, with its
// public half as DER SubjectPublicKeyInfo.
func (s *Store) WrappingKey(spec string) (*rsa.PrivateKey, []byte, error) {
	o, ok := processWrapping[spec]
	if !ok {
		return nil, nil, fmt.Errorf("store: unknown wrapping key spec %q", spec)
	}
	prewarm.Do(func() {
		for other, k := range processWrapping {
			if other != spec {
				go k.generate()
			}
		}
	})
	o.generate()
	if o.err != nil {
		return nil, nil, o.err
	}
	return o.key, o.der, nil
}

// AddImport records parameters. Parameters expired for more than a day are
// purged on the way, so the map stays bounded while a recently expired token
// is still recognised as expired rather than unknown. An error means the
// parameters could not be saved (and were not recorded).
func (s *Store) AddImport(p *ImportParams) error {
	var rec []byte
	if s.durable() {
		var err error
		if rec, err = encodeImport(p); err != nil { // outside the locks: RSA encoding is slow
			return err
		}
	}
	return s.write(func() ([]Op, func(), error) {
		now := s.now()
		var ops []Op
		purged := map[string]*ImportParams{}
		for t, old := range s.imports {
			if now.Sub(old.ExpiresAt) > 24*time.Hour {
				delete(s.imports, t)
				purged[t] = old
				ops = append(ops, Op{KindImport, importID(t), nil})
			}
		}
		s.imports[p.Token] = p
		if !s.durable() {
			return nil, nil, nil
		}
		ops = append(ops, Op{KindImport, importID(p.Token), rec})
		return ops, func() {
			delete(s.imports, p.Token)
			for t, old := range purged {
				s.imports[t] = old
			}
		}, nil
	})
}

// Import returns the parameters issued with this token, expired or not.
func (s *Store) Import(token string) (*ImportParams, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, ok := s.imports[token]
	return p, ok
}
