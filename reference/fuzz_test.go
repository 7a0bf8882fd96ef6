package reference_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/internal/keywrap"
	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
)

// fuzzEnv is a service behind the real handler, with a sentinel key that
// inputs cannot name (its id is random) and a scratch key they can: seeds
// write $KEY and $ARN for the scratch key's id and ARN.
type fuzzEnv struct {
	h                     http.Handler
	sentinel              string
	scratchID, scratchARN string
	uses                  int
}

var (
	fuzzMaterial = bytes.Repeat([]byte{0x5a}, 32)
	fuzzMessage  = []byte("sentinel message")
	fuzzMAC      = func() []byte {
		h := hmac.New(sha256.New, fuzzMaterial)
		h.Write(fuzzMessage)
		return h.Sum(nil)
	}()
)

func serveOnce(h http.Handler, target string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
	if target != "" {
		r.Header["X-Amz-Target"] = []string{target} // as sent, unvalidated
	}
	r.Header.Set("Content-Type", awsjson.ContentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

func mustCall(t testing.TB, h http.Handler, target string, req any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(req)
	rec := serveOnce(h, target, body)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || rec.Code != 200 {
		t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
	}
	return out
}

func b64field(t testing.TB, m map[string]any, name string) []byte {
	t.Helper()
	s, _ := m[name].(string)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b
}

// newFuzzEnv builds a fresh service; the sentinel holds imported known
// material so its MAC is checked against RFC 2104, not against itself.
func newFuzzEnv(t testing.TB) *fuzzEnv {
	svc := reference.NewService(reference.Options{})
	e := &fuzzEnv{h: awsjson.NewHandler(svc, awsjson.HandlerOptions{})}
	md := mustCall(t, e.h, "TrentService.CreateKey", map[string]string{"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC", "Origin": "EXTERNAL"})["KeyMetadata"].(map[string]any)
	e.sentinel = md["KeyId"].(string)
	p := mustCall(t, e.h, "TrentService.GetParametersForImport", map[string]string{"KeyId": e.sentinel, "WrappingAlgorithm": "RSAES_OAEP_SHA_256", "WrappingKeySpec": "RSA_2048"})
	wrapped, err := keywrap.Wrap(b64field(t, p, "PublicKey"), "RSAES_OAEP_SHA_256", fuzzMaterial)
	if err != nil {
		t.Fatal(err)
	}
	mustCall(t, e.h, "TrentService.ImportKeyMaterial", map[string]any{"KeyId": e.sentinel, "ImportToken": b64field(t, p, "ImportToken"),
		"EncryptedKeyMaterial": wrapped, "ExpirationModel": "KEY_MATERIAL_DOES_NOT_EXPIRE"})
	md = mustCall(t, e.h, "TrentService.CreateKey", map[string]string{"KeySpec": "HMAC_256", "KeyUsage": "GENERATE_VERIFY_MAC"})["KeyMetadata"].(map[string]any)
	e.scratchID, e.scratchARN = md["KeyId"].(string), md["Arn"].(string)
	return e
}

// checkSentinel proves the input left the service working: GenerateMac and
// VerifyMac on a key the input could not name still give the right answer.
func (e *fuzzEnv) checkSentinel(t *testing.T) {
	t.Helper()
	gm := mustCall(t, e.h, "TrentService.GenerateMac", map[string]any{"KeyId": e.sentinel, "Message": fuzzMessage, "MacAlgorithm": "HMAC_SHA_256"})
	if got := b64field(t, gm, "Mac"); !bytes.Equal(got, fuzzMAC) {
		t.Fatalf("sentinel MAC %x, want %x", got, fuzzMAC)
	}
	vm := mustCall(t, e.h, "TrentService.VerifyMac", map[string]any{"KeyId": e.sentinel, "Message": fuzzMessage, "MacAlgorithm": "HMAC_SHA_256", "Mac": fuzzMAC})
	if vm["MacValid"] != true {
		t.Fatalf("sentinel VerifyMac: %v", vm)
	}
}

// FuzzHandler sends (X-Amz-Target, body) through the full handler and a
// real Service: no input may crash it, get a 5xx, get an error without
// __type, or break later calls. The seed corpus is
// testdata/fuzz/FuzzHandler (valid requests of each operation, malformed
// JSON, wrong types, bad base64, unknown members, huge numbers, deep
// nesting); plain `go test` runs just the seeds.
func FuzzHandler(f *testing.F) {
	f.Add("TrentService.GenerateMac", bytes.Repeat([]byte(" "), awsjson.DefaultMaxBody+1))
	f.Add("TrentService.VerifyMac", []byte(`{"KeyId":"$KEY","Message":"`+strings.Repeat("A", 5464)+`","MacAlgorithm":"HMAC_SHA_256","Mac":"AA=="}`))

	var env *fuzzEnv
	f.Fuzz(func(t *testing.T, target string, body []byte) {
		// A fresh service now and then bounds the keys inputs create.
		if env == nil || env.uses >= 20000 {
			env = newFuzzEnv(t)
		}
		env.uses++
		body = bytes.ReplaceAll(body, []byte("$KEY"), []byte(env.scratchID))
		body = bytes.ReplaceAll(body, []byte("$ARN"), []byte(env.scratchARN))

		rec := serveOnce(env.h, target, body)
		t.Logf("%d %.200s", rec.Code, rec.Body)
		if rec.Code >= 500 {
			t.Fatalf("%q %q: status %d %s", target, body, rec.Code, rec.Body)
		}
		if rec.Header().Get("Content-Type") != awsjson.ContentType || rec.Header().Get("X-Amzn-Requestid") == "" {
			t.Fatalf("headers %v", rec.Header())
		}
		if rec.Code == 200 {
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%q: success body is not JSON: %q", target, rec.Body)
			}
		} else {
			var e map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
				t.Fatalf("%q: error body %q is not JSON", target, rec.Body)
			}
			if ty, _ := e["__type"].(string); ty == "" || strings.ContainsAny(ty, "#:") {
				t.Fatalf("%q: error body %s has no bare __type", target, rec.Body)
			}
			if rec.Code != 400 && rec.Code != 405 && rec.Code != 413 {
				t.Fatalf("%q: client error status %d (WIRE-11/12)", target, rec.Code)
			}
		}
		env.checkSentinel(t)
	})
}
