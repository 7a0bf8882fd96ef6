package request

import (
	"encoding/base64"
	"testing"
)

// BenchmarkMacDecode is the decoding of a 4 KiB GenerateMac body alone:
// the fast path against the strict encoding/json decoder it replaces.
// Compare with: benchstat -col /decoder.
func BenchmarkMacDecode(b *testing.B) {
	body := []byte(`{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Message":"` +
		base64.StdEncoding.EncodeToString(make([]byte, 4096)) + `","MacAlgorithm":"HMAC_SHA_256"}`)
	b.Run("decoder=fast", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			_, sc, err := DecodeMac(body, false)
			if err != nil {
				b.Fatal(err)
			}
			sc.Release()
		}
	})
	b.Run("decoder=strict", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeMacStrict(body, false); err != nil {
				b.Fatal(err)
			}
		}
	})
}
