package request

import (
	"encoding/base64"
	"sync"
)

// MacScratch holds what one GenerateMac / VerifyMac call decodes, so the
// hot path allocates almost nothing: decoded blobs, the strings the
// request's pointers point at, and room for the MAC. It is pooled; nothing
// in it may outlive the call (release).
type MacScratch struct {
	msg, mac []byte
	keyID    string
	alg      string
	dryRun   bool
	tokens   []string
	Tag      [64]byte // the computed MAC (SHA-512 is the longest)
}

// maxPooledBlob bounds the blob buffers kept in the pool, so one huge
// request does not pin memory. Legitimate blobs are at most 6 KiB.
const maxPooledBlob = 16 << 10

var scratchPool = sync.Pool{New: func() any {
	return &MacScratch{msg: make([]byte, 0, 4608), mac: make([]byte, 0, 96)}
}}

func getMacScratch() *MacScratch { return scratchPool.Get().(*MacScratch) }

// Release returns sc to the pool. The request decoded into it must not be
// used afterwards.
func (sc *MacScratch) Release() {
	if cap(sc.msg) > maxPooledBlob {
		sc.msg = nil
	}
	if cap(sc.mac) > maxPooledBlob {
		sc.mac = nil
	}
	clear(sc.tokens) // drop the strings; keep the backing array
	sc.keyID, sc.alg, sc.tokens = "", "", sc.tokens[:0]
	scratchPool.Put(sc)
}

// fastDecodeMac decodes the common shape of a GenerateMac (verify=false)
// or VerifyMac body into req, using sc for storage. It reports false when
// the body is anything else (escapes, non-ASCII strings, unknown,
// duplicate or null members, numbers, nesting, trailing data, invalid
// base64, non-JSON whitespace, an empty body ...); the caller then uses
// the strict decoder, which alone produces errors. When it reports true,
// req equals what the strict decoder returns for the same body
// (FuzzMacDecode checks this).
func fastDecodeMac(body []byte, verify bool, sc *MacScratch, req *Mac) bool {
	s := fastScanner{b: body}
	if !s.next('{') {
		return false
	}
	if s.peek() == '}' {
		s.i++
		return s.end()
	}
	for {
		name, ok := s.text()
		if !ok || !s.next(':') {
			return false
		}
		switch string(name) {
		case "KeyId":
			if req.KeyId != nil {
				return false
			}
			v, ok := s.text()
			if !ok {
				return false
			}
			sc.keyID = string(v)
			req.KeyId = &sc.keyID
		case "Message":
			if req.Message.Present || !decodeBlob(&s, &sc.msg, &req.Message) {
				return false
			}
		case "MacAlgorithm":
			if req.MacAlgorithm != nil {
				return false
			}
			v, ok := s.text()
			if !ok {
				return false
			}
			req.MacAlgorithm = internAlgorithm(v, sc)
		case "Mac":
			// GenerateMac has no Mac member: the strict decoder names it.
			if !verify || req.Mac.Present || !decodeBlob(&s, &sc.mac, &req.Mac) {
				return false
			}
		case "GrantTokens":
			if req.GrantTokens != nil || !decodeTokens(&s, sc) {
				return false
			}
			req.GrantTokens = sc.tokens
		case "DryRun":
			if req.DryRun != nil {
				return false
			}
			switch {
			case s.literal("true"):
				sc.dryRun = true
			case s.literal("false"):
				sc.dryRun = false
			default:
				return false
			}
			req.DryRun = &sc.dryRun
		default:
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return s.end()
		default:
			return false
		}
	}
}

// decodeBlob decodes a base64 string into *buf (grown as needed) and
// points b at the result, as encoding/json does for []byte: StdEncoding,
// padding required.
func decodeBlob(s *fastScanner, buf *[]byte, b *Blob) bool {
	v, ok := s.blobText()
	if !ok {
		return false
	}
	n := base64.StdEncoding.DecodedLen(len(v))
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	dst := (*buf)[:n]
	m, err := base64.StdEncoding.Decode(dst, v)
	if err != nil {
		return false
	}
	b.Bytes, b.Present = dst[:m], true
	return true
}

// decodeTokens reads a list of plain strings into sc.tokens. An empty list
// gives an empty, non-nil slice, as encoding/json does.
func decodeTokens(s *fastScanner, sc *MacScratch) bool {
	if !s.next('[') {
		return false
	}
	toks := sc.tokens[:0]
	if toks == nil {
		toks = make([]string, 0, 2)
	}
	if s.peek() == ']' {
		s.i++
		sc.tokens = toks
		return true
	}
	for {
		v, ok := s.text()
		if !ok {
			return false
		}
		toks = append(toks, string(v))
		sc.tokens = toks // keep even on failure, so release clears it
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return true
		default:
			return false
		}
	}
}

// internAlgorithm points at the enum's own string when v is a valid
// algorithm, so the common case costs no allocation.
func internAlgorithm(v []byte, sc *MacScratch) *string {
	for i := range MacAlgorithms {
		if string(v) == MacAlgorithms[i] {
			return &MacAlgorithms[i]
		}
	}
	sc.alg = string(v)
	return &sc.alg
}
