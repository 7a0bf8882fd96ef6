package request

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// sameMacRequest explains how a and b differ, or returns "".
func sameMacRequest(a, b Mac) string {
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%q", *p)
	}
	blb := func(x Blob) string {
		if !x.Present {
			return "<absent>"
		}
		return fmt.Sprintf("%x", x.Bytes)
	}
	toks := func(t []string) string {
		if t == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%q", t)
	}
	dry := func(p *bool) string {
		if p == nil {
			return "<nil>"
		}
		return fmt.Sprint(*p)
	}
	for _, f := range []struct{ name, x, y string }{
		{"KeyId", str(a.KeyId), str(b.KeyId)},
		{"Message", blb(a.Message), blb(b.Message)},
		{"MacAlgorithm", str(a.MacAlgorithm), str(b.MacAlgorithm)},
		{"Mac", blb(a.Mac), blb(b.Mac)},
		{"GrantTokens", toks(a.GrantTokens), toks(b.GrantTokens)},
		{"DryRun", dry(a.DryRun), dry(b.DryRun)},
	} {
		if f.x != f.y {
			return f.name + ": " + f.x + " vs " + f.y
		}
	}
	return ""
}

// checkMacDecode is the differential check shared by the table test and
// the fuzzer: when the fast path accepts a body, the strict decoder must
// accept it with the same values; and DecodeMac (fast path plus
// fallback) must always give the strict decoder's values or error.
// It returns whether the fast path accepted the body.
func checkMacDecode(t *testing.T, body []byte, verify bool) bool {
	t.Helper()
	strict, strictErr := decodeMacStrict(body, verify)

	sc := getMacScratch()
	var fast Mac
	ok := fastDecodeMac(body, verify, sc, &fast)
	if ok {
		if strictErr != nil {
			t.Fatalf("verify=%v %q: fast path accepted, strict decoder says %v", verify, body, strictErr)
		}
		if d := sameMacRequest(fast, strict); d != "" {
			t.Fatalf("verify=%v %q: fast and strict differ: %s", verify, body, d)
		}
	}
	sc.Release()

	got, sc, err := DecodeMac(body, verify)
	defer sc.Release()
	switch {
	case (err == nil) != (strictErr == nil):
		t.Fatalf("verify=%v %q: error %v, strict %v", verify, body, err, strictErr)
	case err != nil && !sameDecodeError(err, strictErr):
		t.Fatalf("verify=%v %q: error %q, strict %q", verify, body, err, strictErr)
	case err == nil:
		if d := sameMacRequest(got, strict); d != "" {
			t.Fatalf("verify=%v %q: DecodeMac and strict differ: %s", verify, body, d)
		}
	}
	return ok
}

// sameDecodeError compares two decoding errors. With several unknown
// members the strict decoder names whichever its map iteration meets
// first, so that message is compared up to the name.
func sameDecodeError(a, b error) bool {
	const unknown = "SerializationException: Unknown member '"
	if strings.HasPrefix(a.Error(), unknown) && strings.HasPrefix(b.Error(), unknown) {
		return true
	}
	return a.Error() == b.Error()
}

var (
	b64Msg = base64.StdEncoding.EncodeToString([]byte("hello, world"))
	b64Tag = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5}, 32))
)

// macDecodeCases: fast says which bodies the fast path must take (for
// GenerateMac, VerifyMac); the rest must fall back. Either way the
// results must equal the strict decoder's.
var macDecodeCases = []struct {
	name      string
	body      string
	fastG     bool
	fastV     bool
	strictErr bool // the strict decoder rejects it (for both ops)
}{
	{"sdk generate", `{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab","Message":"` + b64Msg + `","MacAlgorithm":"HMAC_SHA_256"}`, true, true, false},
	{"sdk verify", `{"KeyId":"alias/x","Mac":"` + b64Tag + `","MacAlgorithm":"HMAC_SHA_512","Message":"` + b64Msg + `"}`, false, true, false},
	{"all members", `{"KeyId":"k","Message":"","MacAlgorithm":"HMAC_SHA_224","GrantTokens":["a","b c"],"DryRun":true}`, true, true, false},
	{"pretty", "{\n\t\"KeyId\" : \"k\" ,\r\n \"DryRun\":false }\n", true, true, false},
	{"empty object", `{}`, true, true, false},
	{"empty object spaced", ` { } `, true, true, false},
	{"empty tokens", `{"GrantTokens":[]}`, true, true, false},
	{"empty tokens spaced", `{"GrantTokens":[ ]}`, true, true, false},
	{"bad enum", `{"MacAlgorithm":"HMAC_SHA_1"}`, true, true, false},
	{"empty strings", `{"KeyId":"","MacAlgorithm":""}`, true, true, false},
	{"unpadded-looking but valid", `{"Message":"YWJj"}`, true, true, false},

	// Bodies the fast path leaves to the strict decoder.
	{"empty body", ``, false, false, false},
	{"whitespace body", " \n", false, false, false},
	{"vertical tab", "\v{}", false, false, false},
	{"nbsp", "{}\u00a0", false, false, false},
	{"escape", `{"KeyId":"a\u0062c"}`, false, false, false},
	{"escaped name", `{"Key\u0049d":"k"}`, false, false, false},
	{"escaped slash in blob", `{"Message":"YW\/j"}`, false, false, false},
	{"non-ascii", `{"KeyId":"clé"}`, false, false, false},
	{"invalid utf8", "{\"KeyId\":\"\xff\"}", false, false, false},
	{"null", `{"KeyId":null}`, false, false, false},
	{"null blob", `{"Message":null}`, false, false, false},
	{"null tokens", `{"GrantTokens":null}`, false, false, false},
	{"duplicate", `{"KeyId":"a","KeyId":"b"}`, false, false, false},
	{"duplicate blob", `{"Message":"","Message":"YWJj"}`, false, false, false},
	{"unknown", `{"KeyID":"a"}`, false, false, true},
	{"mac in generate", `{"Mac":"` + b64Tag + `"}`, false, true, false},
	{"number", `{"KeyId":1}`, false, false, true},
	{"dryrun string", `{"DryRun":"true"}`, false, false, true},
	{"dryrun run-on", `{"DryRun":truex}`, false, false, true},
	{"nested", `{"KeyId":{"a":1}}`, false, false, true},
	{"token number", `{"GrantTokens":[1]}`, false, false, true},
	{"token null", `{"GrantTokens":["a",null]}`, false, false, false},
	{"trailing data", `{}{}`, false, false, true},
	{"trailing comma", `{"KeyId":"a",}`, false, false, true},
	{"trailing comma list", `{"GrantTokens":["a",]}`, false, false, true},
	{"missing colon", `{"KeyId" "a"}`, false, false, true},
	{"unterminated", `{"Message":"YWJj`, false, false, true},
	{"not an object", `["KeyId"]`, false, false, true},
	{"bad base64", `{"Message":"YWJ"}`, false, false, true},
	{"base64 with newline", "{\"Message\":\"YW\nJj\"}", false, false, true},
	{"base64 with CR", "{\"Message\":\"YW\rJj\"}", false, false, true},
	{"base64 url alphabet", `{"Message":"-_-_"}`, false, false, true},
	{"control char", "{\"KeyId\":\"a\tb\"}", false, false, true},
	// encoding/json reads a list of numbers into a []byte; a blob is a base64 string only.
	{"blob as number list", `{"Message":[104,101,108,108,111]}`, false, false, true},
	{"mac as number list", `{"Mac":[1,2]}`, false, false, true},
	{"blob as empty list", `{"Message":[]}`, false, false, true},
	{"blob as number", `{"Message":5}`, false, false, true},
}

func TestFastDecodeMacAgrees(t *testing.T) {
	for _, c := range macDecodeCases {
		t.Run(c.name, func(t *testing.T) {
			for _, verify := range []bool{false, true} {
				want := c.fastG
				if verify {
					want = c.fastV
				}
				if got := checkMacDecode(t, []byte(c.body), verify); got != want {
					t.Errorf("verify=%v: fast path taken = %v, want %v", verify, got, want)
				}
				_, err := decodeMacStrict([]byte(c.body), verify)
				if c.strictErr && err == nil {
					t.Errorf("verify=%v: strict decoder accepted %q", verify, c.body)
				}
			}
		})
	}
}

// TestMacScratchReuse: a pooled scratch must not carry one request's
// members into the next.
func TestMacScratchReuse(t *testing.T) {
	full := []byte(`{"KeyId":"k","Message":"YWJj","MacAlgorithm":"x","Mac":"YWJj","GrantTokens":["t"],"DryRun":true}`)
	for range 20 { // the pool may hand back any scratch; go round a few times
		req, sc, err := DecodeMac(full, true)
		if err != nil || req.GrantTokens[0] != "t" {
			t.Fatalf("full body: %v %+v", err, req)
		}
		sc.Release()
		req, sc, err = DecodeMac([]byte(`{"KeyId":"j"}`), true)
		if err != nil {
			t.Fatal(err)
		}
		if d := sameMacRequest(req, Mac{KeyId: req.KeyId}); d != "" || *req.KeyId != "j" {
			t.Fatalf("second request inherited members: %s", d)
		}
		sc.Release()
	}
}

// TestFastDecodeLargeBlob: blobs bigger than the pooled buffer decode,
// and the oversized buffer is not kept.
func TestFastDecodeLargeBlob(t *testing.T) {
	big := bytes.Repeat([]byte{0x3c}, 3*maxPooledBlob)
	body := []byte(`{"Message":"` + base64.StdEncoding.EncodeToString(big) + `"}`)
	if !checkMacDecode(t, body, false) {
		t.Fatal("fast path refused a large valid blob")
	}
	req, sc, err := DecodeMac(body, false)
	if err != nil || !bytes.Equal(req.Message.Bytes, big) {
		t.Fatalf("large blob: %v, %d bytes", err, len(req.Message.Bytes))
	}
	sc.Release()
	if cap(sc.msg) > maxPooledBlob {
		t.Fatalf("released scratch keeps a %d-byte buffer", cap(sc.msg))
	}
}

// FuzzMacDecode is the differential fuzzer: fast path vs strict decoder.
func FuzzMacDecode(f *testing.F) {
	for _, c := range macDecodeCases {
		f.Add([]byte(c.body), false)
		f.Add([]byte(c.body), true)
	}
	f.Add([]byte(`{"KeyId":"`+strings.Repeat("x", 40)+`","GrantTokens":["a","b","c","d","e","f","g","h","i","j","k"]}`), false)
	f.Fuzz(func(t *testing.T, in []byte, verify bool) {
		checkMacDecode(t, in, verify)
		// Random bytes rarely stay a valid body, so most inputs would never
		// reach the fast path's value scanners: also splice the input into
		// frames that are valid around it.
		for _, fr := range fuzzFrames {
			before, after, _ := strings.Cut(fr, "@")
			checkMacDecode(t, []byte(before+string(in)+after), verify)
		}
		checkMacDecode(t, []byte(`{"Message":"`+base64.StdEncoding.EncodeToString(in)+`"}`), verify)
	})
}

// fuzzFrames are bodies with "@" where the fuzz input goes.
var fuzzFrames = []string{
	`{"KeyId":"@","MacAlgorithm":"HMAC_SHA_256"}`,
	`{"Message":"@"}`,
	`{"Mac":"@","DryRun":false}`,
	`{"MacAlgorithm":"@"}`,
	`{"GrantTokens":[@]}`,
	`{"GrantTokens":["@"]}`,
	`{"DryRun":@}`,
	`{"KeyId":"k",@}`,
	`{@}`,
}

// TestBlobWrongTypeMessage: a blob given as a list of numbers is a
// SerializationException naming the member, like any other wrong type.
func TestBlobWrongTypeMessage(t *testing.T) {
	for _, body := range []string{`{"Message":[104,101,108,108,111]}`, `{"Message":true}`, `{"Message":{}}`} {
		_, err := decodeMacStrict([]byte(body), false)
		if err == nil || !strings.Contains(err.Error(), "'Message' has the wrong type: expected base64 string") {
			t.Errorf("%s: %v, want the member and its type named", body, err)
		}
	}
}
