package reference

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kmsmac/kmsmac/reference/limits"
)

func TestLimits(t *testing.T) {
	s, err := Open(Options{Limits: limits.Limits{KeysPerRegion: 2, AliasesPerAccount: 1, GrantsPerKey: 1}})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := hmacKey(t, s, "HMAC_256")
	hmacKey(t, s, "HMAC_256")
	_, e := call(t, s, "CreateKey", `{"KeySpec":"HMAC_256","KeyUsage":"GENERATE_VERIFY_MAC"}`)
	wantErr(t, e, "LimitExceededException", "The request was rejected because the keys per Region quota (2, *")

	mustCall(t, s, "CreateAlias", `{"AliasName":"alias/one","TargetKeyId":"`+id+`"}`)
	_, e = call(t, s, "CreateAlias", `{"AliasName":"alias/two","TargetKeyId":"`+id+`"}`)
	wantErr(t, e, "LimitExceededException", "The request was rejected because the aliases per account quota (1, *")

	grant := `{"KeyId":"` + id + `","GranteePrincipal":"arn:aws:iam::111122223333:role/r","Operations":["GenerateMac"]}`
	mustCall(t, s, "CreateGrant", grant)
	_, e = call(t, s, "CreateGrant", grant)
	wantErr(t, e, "LimitExceededException", "The request was rejected because the grants per KMS key quota (1, *")

	if _, err := Open(Options{Limits: limits.Limits{GrantsPerKey: -1}}); err == nil || !strings.Contains(err.Error(), "grants per key") {
		t.Fatalf("negative limit: %v", err)
	}
}

func TestServerCaps(t *testing.T) {
	srv, err := Start("127.0.0.1:0", Options{Limits: limits.Limits{MaxBodyBytes: 1000, MaxConnections: 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	// The one allowed connection, kept open.
	held, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	time.Sleep(50 * time.Millisecond) // let the server accept it

	resp, err := http.Post(srv.URL(), "application/x-amz-json-1.1", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("second connection got no answer: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !bytes.Contains(body, []byte("too many open connections (limit 1)")) {
		t.Fatalf("over the connection cap: %d %s", resp.StatusCode, body)
	}
	held.Close()

	// With the connection free, the body cap answers 413.
	big := `{"KeyId":"` + strings.Repeat("x", 2000) + `"}`
	var status int
	for range 50 { // the held connection's slot frees when the server sees it closed
		req, _ := http.NewRequest("POST", srv.URL(), strings.NewReader(big))
		req.Header.Set("X-Amz-Target", "TrentService.DescribeKey")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if status = resp.StatusCode; status != http.StatusServiceUnavailable {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("body over the cap: %d, want 413", status)
	}
}
