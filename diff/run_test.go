package diff

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference"
	"github.com/kmsmac/kmsmac/reference/awsjson"
)

func TestReferenceAgainstReference(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Run(ctx, Config{A: ReferenceName, B: "", Seed: 11, Requests: 200})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.MACBytesCompared || !rep.A.Imported || !rep.B.Imported {
		t.Errorf("two references should import shared material: %+v %+v", rep.A, rep.B)
	}
	if !rep.OK() || rep.Agreed != 200 {
		var buf bytes.Buffer
		rep.WriteText(&buf)
		t.Fatalf("reference vs reference: %d agreed, %d diverged\n%s", rep.Agreed, len(rep.Divergences), buf.String())
	}
	for _, n := range rep.Notes {
		if strings.Contains(n, "cleanup") || strings.Contains(n, "not the HMAC") {
			t.Errorf("unexpected note: %s", n)
		}
	}
}

// corrupting wraps a fresh reference endpoint: it flips one bit of every
// GenerateMac Mac and answers DisabledException as KMSInvalidStateException.
func corrupting(t *testing.T) *httptest.Server {
	t.Helper()
	inner := awsjson.NewHandler(reference.NewService(reference.Options{}), awsjson.HandlerOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		inner.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			if s, ok := m["Mac"].(string); ok {
				tag, _ := base64.StdEncoding.DecodeString(s)
				tag[len(tag)-1] ^= 0x10
				m["Mac"] = base64.StdEncoding.EncodeToString(tag)
				body, _ = json.Marshal(m)
			}
			if m["__type"] == "DisabledException" {
				body = bytes.Replace(body, []byte("DisabledException"), []byte("KMSInvalidStateException"), 1)
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCorruptedEndpointIsCaughtAndShrunk(t *testing.T) {
	broken := corrupting(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := Run(ctx, Config{A: ReferenceName, B: broken.URL, Seed: 5, Requests: 150})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !rep.MACBytesCompared {
		t.Fatalf("corruption not caught: ok=%v macs compared=%v", rep.OK(), rep.MACBytesCompared)
	}
	if rep.ByKind[KindMAC] == 0 || rep.ByKind[KindCode] == 0 {
		t.Fatalf("want mac-bytes and error-code divergences, got %v", rep.ByKind)
	}
	var sawMAC, sawCode bool
	for _, g := range rep.Groups {
		kinds := kindsOf(g.MinimalDiffs)
		switch {
		case kinds == KindMAC:
			sawMAC = true
			if g.Minimal.Op != "GenerateMac" {
				t.Errorf("mac-bytes from %s", g.Minimal.Op)
			}
			if msg := g.Minimal.message(); len(msg) != 1 {
				t.Errorf("mac-bytes divergence not shrunk to a 1-byte message: %s", g.Minimal)
			}
			for _, m := range g.Minimal.Members {
				if optional[m.Name] {
					t.Errorf("optional member %s left in %s", m.Name, g.Minimal)
				}
				if k, ok := m.Value.(KeyRef); ok && k.Form != FormID {
					t.Errorf("KeyId not simplified to a key id: %s", g.Minimal)
				}
			}
			if g.MinimalA.Fields["Mac"] == g.MinimalB.Fields["Mac"] {
				t.Errorf("minimal example shows equal MACs: %v", g.MinimalA.Fields["Mac"])
			}
		case kinds == KindCode && g.MinimalA.Code == "DisabledException":
			sawCode = true
			if g.MinimalB.Code != "KMSInvalidStateException" {
				t.Errorf("B code %q", g.MinimalB.Code)
			}
			if !strings.Contains(g.Minimal.String(), "<key-id:k6>") {
				t.Errorf("disabled-key divergence does not name k6 by id: %s", g.Minimal)
			}
		case strings.Contains(kinds, "field:") || strings.Contains(kinds, KindStatus):
			t.Errorf("unexpected divergence %s: %s", kinds, g.Minimal)
		}
	}
	if !sawMAC || !sawCode {
		var buf bytes.Buffer
		rep.WriteText(&buf)
		t.Fatalf("mac=%v code=%v\n%s", sawMAC, sawCode, buf.String())
	}
	// Every divergent request is reported, and the JSON form is valid.
	if len(rep.Divergences)+rep.Agreed != 150 {
		t.Errorf("%d divergences + %d agreed != 150", len(rep.Divergences), rep.Agreed)
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil || !json.Valid(buf.Bytes()) {
		t.Fatalf("JSON report: %v", err)
	}
}

func TestIgnoreDropsKinds(t *testing.T) {
	broken := corrupting(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := Run(ctx, Config{A: ReferenceName, B: broken.URL, Seed: 5, Requests: 60, Ignore: []string{KindMAC, KindCode}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("ignored kinds still reported: %v", rep.ByKind)
	}
}

func TestSetupErrors(t *testing.T) {
	ctx := context.Background()
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close() // nothing listens there any more
	for _, spec := range []string{"ftp://127.0.0.1/", "not a url", dead.URL} {
		_, err := Run(ctx, Config{A: ReferenceName, B: spec, Seed: 1, Requests: 5, PollTimeout: time.Second})
		var se *SetupError
		if err == nil || !errors.As(err, &se) {
			t.Errorf("B=%q: err %v, want a SetupError", spec, err)
		}
	}
}
