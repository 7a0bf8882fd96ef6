package request

import "bytes"

// fastScanner reads the plain subset of JSON (RFC 8259) that SDKs send for
// the MAC operations. Every method reports false on anything outside that
// subset, and the caller then hands the body to the strict decoder, which
// produces the error (or the value) the service has always produced. So a
// false here never means "invalid", only "not the common case".
type fastScanner struct {
	b []byte
	i int
}

// ws skips the four JSON whitespace bytes. Other bytes that
// bytes.TrimSpace would drop (\v, \f, U+0085, U+00A0) stop it, which
// sends such bodies to the strict decoder.
func (s *fastScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next consumes c, after optional whitespace.
func (s *fastScanner) next(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// peek returns the next non-whitespace byte without consuming it, or 0.
func (s *fastScanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// text reads a string of printable ASCII without escapes and returns its
// contents as a sub-slice of the body. Non-ASCII is refused too: the
// strict decoder replaces invalid UTF-8, and checking for that is not
// worth it on the fast path.
func (s *fastScanner) text() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c == '"' {
			s.i++
			return s.b[start : s.i-1], true
		}
		if c < 0x20 || c >= 0x80 || c == '\\' {
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// blobText reads a string meant to be base64 and returns its contents.
// It checks only what the base64 decoder would let through although JSON
// forbids it: a backslash (an escape) and raw CR or LF, which base64
// ignores. Any other byte outside the base64 alphabet fails decoding and
// so falls back anyway. Using IndexByte keeps a 5 KiB blob cheap.
func (s *fastScanner) blobText() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	rest := s.b[s.i:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 {
		return nil, false
	}
	v := rest[:end]
	if bytes.IndexByte(v, '\\') >= 0 || bytes.IndexByte(v, '\n') >= 0 || bytes.IndexByte(v, '\r') >= 0 {
		return nil, false
	}
	s.i += end + 1
	return v, true
}

// literal consumes the keyword w (true or false) after optional
// whitespace. A keyword run into other letters ("truex") is caught by the
// caller, which then expects ',' or '}'.
func (s *fastScanner) literal(w string) bool {
	s.ws()
	if len(s.b)-s.i >= len(w) && string(s.b[s.i:s.i+len(w)]) == w {
		s.i += len(w)
		return true
	}
	return false
}

// end reports whether only whitespace remains.
func (s *fastScanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}
