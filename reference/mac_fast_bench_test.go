package reference

import (
	"context"
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
			_, sc, err := decodeMacRequest(body, false)
			if err != nil {
				b.Fatal(err)
			}
			sc.release()
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

// BenchmarkServiceVerifyMac is BenchmarkServiceGenerateMac's VerifyMac.
func BenchmarkServiceVerifyMac(b *testing.B) {
	s, _ := newTestService(b)
	id, _ := hmacKey(b, s, "HMAC_256")
	msg := base64.StdEncoding.EncodeToString(make([]byte, 4096))
	tag := mustCall(b, s, "GenerateMac", `{"KeyId":"`+id+`","Message":"`+msg+`","MacAlgorithm":"HMAC_SHA_256"}`)["Mac"].(string)
	body := []byte(`{"KeyId":"` + id + `","Message":"` + msg + `","MacAlgorithm":"HMAC_SHA_256","Mac":"` + tag + `"}`)
	ctx := context.Background()
	b.SetBytes(4096)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Call(ctx, "VerifyMac", body); err != nil {
			b.Fatal(err)
		}
	}
}
