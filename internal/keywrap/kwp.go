package keywrap

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrUnwrap reports ciphertext that fails its integrity check. It says
// nothing more on purpose: distinguishing causes would be a padding oracle.
var ErrUnwrap = errors.New("keywrap: unwrap failed: ciphertext is not valid for this key")

// aivPrefix is the RFC 5649 alternative initial value, section 3.
var aivPrefix = [4]byte{0xA6, 0x59, 0x59, 0xA6}

// WrapPad wraps plaintext under kek (16, 24 or 32 bytes) with AES Key Wrap
// with Padding, RFC 5649. The output is 8 bytes longer than the plaintext
// rounded up to a multiple of 8.
func WrapPad(kek, plaintext []byte) ([]byte, error) {
	block, err := newBlock(kek)
	if err != nil {
		return nil, err
	}
	if len(plaintext) == 0 {
		return nil, errors.New("keywrap: empty plaintext")
	}
	if uint64(len(plaintext)) > math.MaxUint32 {
		return nil, errors.New("keywrap: plaintext longer than 2^32-1 bytes")
	}
	n := (len(plaintext) + 7) / 8 // 64-bit blocks after padding
	out := make([]byte, 8+8*n)
	copy(out[:4], aivPrefix[:])
	binary.BigEndian.PutUint32(out[4:8], uint32(len(plaintext)))
	copy(out[8:], plaintext) // zero padding is already there

	if n == 1 {
		// Section 4.1: a single padded block is one AES encryption of AIV|P.
		block.Encrypt(out, out)
		return out, nil
	}
	wrapBlocks(block, out, n)
	return out, nil
}

// UnwrapPad reverses WrapPad. Any ciphertext that was not produced by WrapPad
// under kek returns ErrUnwrap.
func UnwrapPad(kek, ciphertext []byte) ([]byte, error) {
	block, err := newBlock(kek)
	if err != nil {
		return nil, err
	}
	if len(ciphertext) < 16 || len(ciphertext)%8 != 0 {
		return nil, fmt.Errorf("keywrap: ciphertext length %d is not a multiple of 8 of at least 16", len(ciphertext))
	}
	n := len(ciphertext)/8 - 1
	buf := make([]byte, len(ciphertext))
	copy(buf, ciphertext)
	if n == 1 {
		block.Decrypt(buf, buf)
	} else {
		unwrapBlocks(block, buf, n)
	}

	// Section 3, integrity check: prefix, length in range, zero padding.
	ok := subtle.ConstantTimeCompare(buf[:4], aivPrefix[:])
	mli := int(binary.BigEndian.Uint32(buf[4:8]))
	if mli <= 8*(n-1) || mli > 8*n {
		ok = 0
	} else {
		var pad byte
		for _, b := range buf[8+mli:] {
			pad |= b
		}
		if pad != 0 {
			ok = 0
		}
	}
	if ok != 1 {
		return nil, ErrUnwrap
	}
	return buf[8 : 8+mli], nil
}

func newBlock(kek []byte) (cipher.Block, error) {
	switch len(kek) {
	case 16, 24, 32:
	default:
		return nil, fmt.Errorf("keywrap: AES key-encryption key must be 16, 24 or 32 bytes, got %d", len(kek))
	}
	return aes.NewCipher(kek)
}

// wrapBlocks is the RFC 3394 section 2.2.1 wrapping process (index form) on
// buf = A | R[1] | ... | R[n], in place.
func wrapBlocks(block cipher.Block, buf []byte, n int) {
	var b [16]byte
	copy(b[:8], buf[:8])
	for j := 0; j <= 5; j++ {
		for i := 1; i <= n; i++ {
			r := buf[8*i : 8*i+8]
			copy(b[8:], r)
			block.Encrypt(b[:], b[:])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(b[:8])^t)
			copy(r, b[8:])
		}
	}
	copy(buf[:8], b[:8])
}

// unwrapBlocks is the RFC 3394 section 2.2.2 unwrapping process, in place.
func unwrapBlocks(block cipher.Block, buf []byte, n int) {
	var b [16]byte
	copy(b[:8], buf[:8])
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			r := buf[8*i : 8*i+8]
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(b[:8])^t)
			copy(b[8:], r)
			block.Decrypt(b[:], b[:])
			copy(r, b[8:])
		}
	}
	copy(buf[:8], b[:8])
}
