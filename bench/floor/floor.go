// Package floor is the performance floor for kmsmac benchmarks: the smallest
// honest AWS KMS (awsJson1_1) endpoint for HMAC, written the obvious way with
// net/http, encoding/json and crypto/hmac. It does the work GenerateMac and
// VerifyMac must do (decode JSON and base64, compute an RFC 2104 HMAC, encode
// the answer) and nothing else: no validation, no key states, no SigV4.
//
// The reference endpoint is measured against it in the same run with the
// same driver; "at least 1.5× the floor" is the target in issue 5.
//
// The one thing users get wrong: the floor is not a KMS. It accepts requests
// real KMS rejects and answers only CreateKey, GenerateMac, VerifyMac and
// ScheduleKeyDeletion; use it as a yardstick, never as a test double.
package floor

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"hash"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// Handler answers awsJson1_1 requests for the four operations above.
type Handler struct {
	mu   sync.RWMutex
	keys map[string]key
}

type key struct {
	newHash  func() hash.Hash
	alg      string
	material []byte
}

// NewHandler returns a floor handler with no keys.
func NewHandler() *Handler { return &Handler{keys: map[string]key{}} }

var specs = map[string]struct {
	alg  string
	h    func() hash.Hash
	size int
}{
	"HMAC_224": {"HMAC_SHA_224", sha256.New224, 28},
	"HMAC_256": {"HMAC_SHA_256", sha256.New, 32},
	"HMAC_384": {"HMAC_SHA_384", sha512.New384, 48},
	"HMAC_512": {"HMAC_SHA_512", sha512.New, 64},
}

type request struct {
	KeyId        string
	KeySpec      string
	MacAlgorithm string
	Message      []byte
	Mac          []byte
}

// ServeHTTP decodes the body, dispatches on X-Amz-Target and encodes the
// answer, the way a first server would be written.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		fail(w, "SerializationException")
		return
	}
	var req request
	if err := json.Unmarshal(body, &req); err != nil {
		fail(w, "SerializationException")
		return
	}
	switch strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.") {
	case "CreateKey":
		h.createKey(w, &req)
	case "GenerateMac":
		h.mac(w, &req, false)
	case "VerifyMac":
		h.mac(w, &req, true)
	case "ScheduleKeyDeletion":
		h.mu.Lock()
		delete(h.keys, req.KeyId)
		h.mu.Unlock()
		reply(w, map[string]string{"KeyId": req.KeyId})
	default:
		fail(w, "UnknownOperationException")
	}
}

func (h *Handler) createKey(w http.ResponseWriter, req *request) {
	s, ok := specs[req.KeySpec]
	if !ok {
		fail(w, "ValidationException")
		return
	}
	material := make([]byte, s.size)
	rand.Read(material)
	var idb [16]byte
	rand.Read(idb[:])
	id := hex.EncodeToString(idb[:])
	h.mu.Lock()
	h.keys[id] = key{newHash: s.h, alg: s.alg, material: material}
	h.mu.Unlock()
	reply(w, map[string]any{"KeyMetadata": map[string]any{
		"KeyId": id, "KeySpec": req.KeySpec, "KeyUsage": "GENERATE_VERIFY_MAC",
		"KeyState": "Enabled", "Enabled": true, "MacAlgorithms": []string{s.alg},
	}})
}

func (h *Handler) mac(w http.ResponseWriter, req *request, verify bool) {
	h.mu.RLock()
	k, ok := h.keys[req.KeyId]
	h.mu.RUnlock()
	if !ok {
		fail(w, "NotFoundException")
		return
	}
	m := hmac.New(k.newHash, k.material)
	m.Write(req.Message)
	sum := m.Sum(nil)
	if !verify {
		reply(w, struct {
			KeyId        string
			Mac          []byte
			MacAlgorithm string
		}{req.KeyId, sum, k.alg})
		return
	}
	if !hmac.Equal(sum, req.Mac) {
		fail(w, "KMSInvalidMacException")
		return
	}
	reply(w, struct {
		KeyId        string
		MacValid     bool
		MacAlgorithm string
	}{req.KeyId, true, k.alg})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, typ string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"__type": typ})
}

// Server is a floor Handler on HTTP, started like httptest.NewServer.
type Server struct {
	ln  net.Listener
	hs  *http.Server
	url string
}

// NewServer starts a floor server on 127.0.0.1 and a free port; it panics
// if it cannot listen.
func NewServer() *Server {
	s, err := Start("127.0.0.1:0")
	if err != nil {
		panic("floor: " + err.Error())
	}
	return s
}

// Start starts a floor server on addr (host:port, port 0 for a free one).
func Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, hs: &http.Server{Handler: NewHandler()}, url: "http://" + ln.Addr().String()}
	go s.hs.Serve(ln)
	return s, nil
}

// URL is the server's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.url }

// Close stops the server and closes every connection.
func (s *Server) Close() error { return s.hs.Close() }
