package motoserver

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestStartMoto starts the real moto_server, speaks KMS to it, and checks
// that cleanup leaves nothing listening.
func TestStartMoto(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto_server")
	}
	var url string
	t.Run("serve", func(t *testing.T) {
		url = Start(t)
		if !strings.HasPrefix(url, "http://127.0.0.1:") {
			t.Fatalf("URL %q is not loopback", url)
		}
		req, err := http.NewRequest("POST", url+"/", bytes.NewReader([]byte("{}")))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "TrentService.ListKeys")
		// Region in the SigV4 scope is how moto picks its backend.
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/kms/aws4_request, SignedHeaders=host, Signature=00")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"Keys"`) {
			t.Fatalf("ListKeys: %d %s", resp.StatusCode, body)
		}
	})
	if url == "" {
		t.Skip("moto did not start")
	}
	c, err := net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), time.Second)
	if err == nil {
		c.Close()
		t.Fatalf("%s still accepts connections after cleanup", url)
	}
}

func TestStartSkipsWithoutBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var skipped bool
	t.Run("start", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Start(t)
		t.Error("Start returned without moto_server on PATH")
	})
	if !skipped {
		t.Fatal("Start did not skip without moto_server on PATH")
	}
}
