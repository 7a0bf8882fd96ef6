// Package wirefloor is the second yardstick of kmsmac benchmarks: the least
// a correct HTTP/1.1 server can do to answer GenerateMac and VerifyMac. One
// goroutine per connection, a 16 KiB read buffer (a 4 KiB request arrives in
// one read), the response written with one write, crypto/hmac reused per
// key, and a JSON field scan instead of a decoder: no KMS validation at all.
//
// bench/floor is "a first server written the obvious way"; this one is the
// wire's cost plus the HMAC, which the reference's transport is measured
// against (issue 14).
//
// The one thing users get wrong: like the floor, this is not a KMS. It
// answers CreateKey, GenerateMac, VerifyMac and ScheduleKeyDeletion, trusts
// well-formed JSON without escapes, and rejects chunked bodies (411).
package wirefloor

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

const (
	maxHeader = 16 << 10
	maxBody   = 1 << 20
	idle      = 2 * time.Minute
)

type key struct {
	alg      string
	material []byte
	pool     sync.Pool // hash.Hash from hmac.New, reused with Reset
}

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

// Server is a wire floor listening on one address.
type Server struct {
	ln   net.Listener
	mu   sync.RWMutex
	keys map[string]*key
	wg   sync.WaitGroup
	cmu  sync.Mutex
	conn map[net.Conn]struct{}
}

// Start listens on addr (host:port, port 0 for a free one) and serves
// until Close.
func Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, keys: map[string]*key{}, conn: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// URL is the server's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops accepting, closes every connection and waits for them.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.cmu.Lock()
	for c := range s.conn {
		c.Close()
	}
	s.cmu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.cmu.Lock()
		s.conn[c] = struct{}{}
		s.cmu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

// serve answers requests on c until it closes, errs or asks to close.
func (s *Server) serve(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		c.Close()
		s.cmu.Lock()
		delete(s.conn, c)
		s.cmu.Unlock()
	}()
	br := bufio.NewReaderSize(c, maxHeader)
	var out, body []byte
	for {
		c.SetReadDeadline(time.Now().Add(idle))
		// The header block must fit the buffer: Peek grows the view until
		// it holds \r\n\r\n or the buffer is full.
		n, hdrLen := 0, -1
		for hdrLen < 0 {
			if _, err := br.Peek(n + 1); err != nil {
				if n > 0 && err == bufio.ErrBufferFull {
					c.Write([]byte("HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
				}
				return
			}
			n = br.Buffered()
			b, _ := br.Peek(n)
			hdrLen = bytes.Index(b, []byte("\r\n\r\n"))
		}
		head, _ := br.Peek(hdrLen + 4)
		req, ok := parseHead(head[:hdrLen])
		br.Discard(hdrLen + 4)
		if !ok || req.length < 0 || req.length > maxBody {
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			return
		}
		if req.chunked {
			c.Write([]byte("HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			return
		}
		if req.cont {
			c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
		}
		if cap(body) < req.length {
			body = make([]byte, req.length)
		}
		body = body[:req.length]
		if _, err := io.ReadFull(br, body); err != nil {
			return
		}
		status, payload := s.answer(req.target, body)
		out = append(out[:0], "HTTP/1.1 "...)
		if status == 200 {
			out = append(out, "200 OK"...)
		} else {
			out = append(out, "400 Bad Request"...)
		}
		out = append(out, "\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: "...)
		out = strconv.AppendInt(out, int64(len(payload)), 10)
		if req.close {
			out = append(out, "\r\nConnection: close"...)
		}
		out = append(out, "\r\n\r\n"...)
		out = append(out, payload...)
		if _, err := c.Write(out); err != nil || req.close {
			return
		}
	}
}

type head struct {
	target               string
	length               int
	chunked, cont, close bool
}

// parseHead reads the request line and the headers this server needs. Any
// method and path are accepted: the floor only answers POST / traffic.
func parseHead(b []byte) (head, bool) {
	h := head{}
	line, rest, _ := bytes.Cut(b, []byte("\r\n"))
	sp := bytes.LastIndexByte(line, ' ')
	if sp < 0 || !bytes.HasPrefix(line[sp+1:], []byte("HTTP/1.")) {
		return h, false
	}
	h.close = string(line[sp+1:]) == "HTTP/1.0"
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return h, false
		}
		v = bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Content-Length")):
			n, err := strconv.Atoi(string(v))
			if err != nil {
				return h, false
			}
			h.length = n
		case bytes.EqualFold(k, []byte("X-Amz-Target")):
			h.target = string(bytes.TrimPrefix(v, []byte("TrentService.")))
		case bytes.EqualFold(k, []byte("Transfer-Encoding")):
			h.chunked = true
		case bytes.EqualFold(k, []byte("Expect")):
			h.cont = bytes.EqualFold(v, []byte("100-continue"))
		case bytes.EqualFold(k, []byte("Connection")):
			h.close = bytes.EqualFold(v, []byte("close"))
		}
	}
	return h, true
}

// field returns the string value of "name" in a flat JSON object, without
// unescaping (ids, algorithms and base64 have no escapes).
func field(body []byte, name string) []byte {
	i := bytes.Index(body, []byte(`"`+name+`"`))
	if i < 0 {
		return nil
	}
	rest := bytes.TrimLeft(body[i+len(name)+2:], " \t\r\n")
	rest, ok := bytes.CutPrefix(rest, []byte(":"))
	if !ok {
		return nil
	}
	rest, ok = bytes.CutPrefix(bytes.TrimLeft(rest, " \t\r\n"), []byte(`"`))
	if !ok {
		return nil
	}
	v, _, ok := bytes.Cut(rest, []byte(`"`))
	if !ok {
		return nil
	}
	return v
}

func fail(typ string) (int, []byte) { return 400, []byte(`{"__type":"` + typ + `"}`) }

// answer runs one operation on body.
func (s *Server) answer(op string, body []byte) (int, []byte) {
	switch op {
	case "CreateKey":
		sp, ok := specs[string(field(body, "KeySpec"))]
		if !ok {
			return fail("ValidationException")
		}
		material := make([]byte, sp.size)
		rand.Read(material)
		var idb [16]byte
		rand.Read(idb[:])
		id := hex.EncodeToString(idb[:])
		k := &key{alg: sp.alg, material: material}
		k.pool.New = func() any { return hmac.New(sp.h, material) }
		s.mu.Lock()
		s.keys[id] = k
		s.mu.Unlock()
		return 200, []byte(`{"KeyMetadata":{"KeyId":"` + id + `","KeyState":"Enabled","MacAlgorithms":["` + sp.alg + `"]}}`)
	case "ScheduleKeyDeletion":
		id := field(body, "KeyId")
		s.mu.Lock()
		delete(s.keys, string(id))
		s.mu.Unlock()
		return 200, []byte(`{"KeyId":"` + string(id) + `"}`)
	case "GenerateMac", "VerifyMac":
	default:
		return fail("UnknownOperationException")
	}
	id := field(body, "KeyId")
	s.mu.RLock()
	k := s.keys[string(id)]
	s.mu.RUnlock()
	if k == nil {
		return fail("NotFoundException")
	}
	msg, err := base64.StdEncoding.AppendDecode(nil, field(body, "Message"))
	if err != nil {
		return fail("SerializationException")
	}
	m := k.pool.Get().(hash.Hash)
	m.Reset()
	m.Write(msg)
	var sum [64]byte
	tag := m.Sum(sum[:0])
	k.pool.Put(m)
	out := append(make([]byte, 0, 256), `{"KeyId":"`...)
	out = append(out, id...)
	if op == "VerifyMac" {
		want, err := base64.StdEncoding.AppendDecode(nil, field(body, "Mac"))
		if err != nil || !hmac.Equal(want, tag) {
			return fail("KMSInvalidMacException")
		}
		out = append(out, `","MacValid":true`...)
	} else {
		out = append(out, `","Mac":"`...)
		out = base64.StdEncoding.AppendEncode(out, tag)
		out = append(out, '"')
	}
	out = append(out, `,"MacAlgorithm":"`...)
	out = append(out, k.alg...)
	return 200, append(out, `"}`...)
}
