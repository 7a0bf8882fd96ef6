package wirefloor

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/kmsmac/kmsmac/kmsspec"
)

func call(t *testing.T, url, op, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", "TrentService."+op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: body %q is not JSON: %v", op, b, err)
	}
	return resp.StatusCode, out
}

func TestWireFloorAnswers(t *testing.T) {
	s, err := Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, out := call(t, s.URL(), "CreateKey", `{"KeySpec":"HMAC_384","KeyUsage":"GENERATE_VERIFY_MAC"}`)
	id, _ := out["KeyMetadata"].(map[string]any)["KeyId"].(string)
	if id == "" {
		t.Fatalf("CreateKey: %v", out)
	}
	msg := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("m", 4096)))
	st, out := call(t, s.URL(), "GenerateMac", fmt.Sprintf(`{"KeyId":"%s","MacAlgorithm":"HMAC_SHA_384","Message":"%s"}`, id, msg))
	mac, _ := out["Mac"].(string)
	raw, _ := base64.StdEncoding.DecodeString(mac)
	if st != 200 || len(raw) != 48 || out["MacAlgorithm"] != "HMAC_SHA_384" {
		t.Fatalf("GenerateMac: %d %v", st, out)
	}
	st, out = call(t, s.URL(), "VerifyMac", fmt.Sprintf(`{"KeyId":"%s","Message":"%s","Mac":"%s"}`, id, msg, mac))
	if st != 200 || out["MacValid"] != true {
		t.Fatalf("VerifyMac: %d %v", st, out)
	}
	bad := base64.StdEncoding.EncodeToString(make([]byte, 48))
	if st, out = call(t, s.URL(), "VerifyMac", fmt.Sprintf(`{"KeyId":"%s","Message":"%s","Mac":"%s"}`, id, msg, bad)); st != 400 || out["__type"] != "KMSInvalidMacException" {
		t.Errorf("VerifyMac of a wrong MAC: %d %v", st, out)
	}
	if st, out = call(t, s.URL(), "GenerateMac", `{"KeyId":"nope","Message":"aGk="}`); st != 400 || out["__type"] != "NotFoundException" {
		t.Errorf("unknown key: %d %v", st, out)
	}
	if st, out = call(t, s.URL(), "Encrypt", `{}`); st != 400 || out["__type"] != "UnknownOperationException" {
		t.Errorf("Encrypt: %d %v", st, out)
	}
	if st, _ = call(t, s.URL(), "ScheduleKeyDeletion", fmt.Sprintf(`{"KeyId":"%s"}`, id)); st != 200 {
		t.Errorf("ScheduleKeyDeletion: %d", st)
	}
	if _, out = call(t, s.URL(), "GenerateMac", fmt.Sprintf(`{"KeyId":"%s","Message":"aGk="}`, id)); out["__type"] != "NotFoundException" {
		t.Errorf("deleted key still answers: %v", out)
	}
}

// The MAC is crypto/hmac's: checked against kmsspec.HMAC.
func TestWireFloorMAC(t *testing.T) {
	s, _ := Start("127.0.0.1:0")
	defer s.Close()
	_, out := call(t, s.URL(), "CreateKey", `{"KeySpec":"HMAC_256"}`)
	id := out["KeyMetadata"].(map[string]any)["KeyId"].(string)
	s.mu.RLock()
	k := s.keys[id]
	s.mu.RUnlock()
	// Same key, two messages: the pooled HMAC is reset between uses.
	for _, m := range []string{"a", "bb"} {
		_, out := call(t, s.URL(), "GenerateMac", fmt.Sprintf(`{"KeyId":"%s","Message":"%s"}`, id, base64.StdEncoding.EncodeToString([]byte(m))))
		got, _ := base64.StdEncoding.DecodeString(out["Mac"].(string))
		if want := kmsspec.HMAC("HMAC_SHA_256", k.material, []byte(m)); string(got) != string(want) {
			t.Fatalf("MAC of %q: %x, want %x", m, got, want)
		}
	}
}

// Raw wire: pipelined requests, Connection: close, HTTP/1.0, a chunked
// body and an oversized header each get the answer HTTP/1.1 asks for.
func TestWireFloorHTTP(t *testing.T) {
	s, _ := Start("127.0.0.1:0")
	defer s.Close()
	dial := func() (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "http://"))
		if err != nil {
			t.Fatal(err)
		}
		return c, bufio.NewReader(c)
	}
	req := "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Target: TrentService.Encrypt\r\nContent-Length: 2\r\n\r\n{}"
	c, br := dial()
	fmt.Fprint(c, req+req+strings.Replace(req, "Host: x", "Host: x\r\nConnection: close", 1))
	for i := range 3 {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("pipelined response %d: %v", i, err)
		}
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(string(b), "UnknownOperationException") {
			t.Errorf("response %d: %d %s", i, resp.StatusCode, b)
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("connection open after Connection: close: %v", err)
	}
	c.Close()
	for _, tc := range []struct {
		req    string
		status int
	}{
		{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 411},
		{"POST / HTTP/1.1\r\nX: " + strings.Repeat("a", maxHeader) + "\r\n\r\n", 431},
		{"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400},
		{"garbage\r\n\r\n", 400},
	} {
		c, br := dial()
		fmt.Fprint(c, tc.req)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != tc.status {
			t.Errorf("%.40q: %v %v, want %d", tc.req, resp, err, tc.status)
		}
		c.Close()
	}
}
