package floor

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func do(h http.Handler, target, body string) (int, map[string]any) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("X-Amz-Target", target)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var out map[string]any
	json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

func TestFloorAnswers(t *testing.T) {
	h := NewHandler()
	status, out := do(h, "TrentService.CreateKey", `{"KeySpec":"HMAC_512"}`)
	if status != 200 {
		t.Fatalf("CreateKey: %d %v", status, out)
	}
	id := out["KeyMetadata"].(map[string]any)["KeyId"].(string)
	status, out = do(h, "TrentService.GenerateMac", `{"KeyId":"`+id+`","MacAlgorithm":"HMAC_SHA_512","Message":"aGVsbG8="}`)
	mac, _ := out["Mac"].(string)
	if status != 200 || len(mac) != 88 || out["MacAlgorithm"] != "HMAC_SHA_512" { // 64 bytes in base64
		t.Fatalf("GenerateMac: %d %v", status, out)
	}
	status, out = do(h, "TrentService.VerifyMac", `{"KeyId":"`+id+`","MacAlgorithm":"HMAC_SHA_512","Message":"aGVsbG8=","Mac":"`+mac+`"}`)
	if status != 200 || out["MacValid"] != true {
		t.Fatalf("VerifyMac: %d %v", status, out)
	}
	for _, c := range []struct{ target, body, code string }{
		{"TrentService.VerifyMac", `{"KeyId":"` + id + `","Message":"aGVsbG8=","Mac":"AAAA"}`, "KMSInvalidMacException"},
		{"TrentService.GenerateMac", `{"KeyId":"nope","Message":"aGVsbG8="}`, "NotFoundException"},
		{"TrentService.GenerateMac", `{"KeyId":`, "SerializationException"},
		{"TrentService.GenerateMac", `{"Message":"not base64!"}`, "SerializationException"},
		{"TrentService.CreateKey", `{"KeySpec":"RSA_2048"}`, "ValidationException"},
		{"TrentService.Encrypt", `{}`, "UnknownOperationException"},
		{"", `{}`, "UnknownOperationException"},
	} {
		status, out := do(h, c.target, c.body)
		if status != 400 || out["__type"] != c.code {
			t.Errorf("%s %s: %d %v, want 400 %s", c.target, c.body, status, out, c.code)
		}
	}
	if status, _ := do(h, "TrentService.ScheduleKeyDeletion", `{"KeyId":"`+id+`"}`); status != 200 {
		t.Errorf("ScheduleKeyDeletion: %d", status)
	}
	if _, out := do(h, "TrentService.GenerateMac", `{"KeyId":"`+id+`","Message":"aGVsbG8="}`); out["__type"] != "NotFoundException" {
		t.Errorf("deleted key still answers: %v", out)
	}
}

func TestFloorServer(t *testing.T) {
	s := NewServer()
	defer s.Close()
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %q", s.URL())
	}
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(`{"KeySpec":"HMAC_256"}`))
	req.Header.Set("X-Amz-Target", "TrentService.CreateKey")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if _, err := Start("256.0.0.1:0"); err == nil {
		t.Error("bad address accepted")
	}
}
