// Package limits holds the reference's configurable limits: the KMS quotas
// on what an account holds (keys, aliases, grants per key) and the
// server's own caps (request body size, concurrent connections). Zero
// means no limit; the defaults are generous so the suite and benchmarks
// never meet them. The values are configuration, not AWS's numbers
// (AMB-14).
package limits

import (
	"bytes"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"
)

// Limits configure a reference endpoint. The zero value limits nothing
// but the body size (awsjson.DefaultMaxBody).
type Limits struct {
	KeysPerRegion     int   // CreateKey over it: LimitExceededException
	GrantsPerKey      int   // CreateGrant over it: LimitExceededException
	AliasesPerAccount int   // CreateAlias over it: LimitExceededException
	MaxBodyBytes      int64 // larger request bodies: 413; 0: the transport's default
	MaxConnections    int   // more open connections are answered 503 and closed
}

// Validate reports a negative value, the only wrong one.
func (l Limits) Validate() error {
	for name, v := range map[string]int64{"keys per Region": int64(l.KeysPerRegion), "grants per key": int64(l.GrantsPerKey),
		"aliases per account": int64(l.AliasesPerAccount), "body bytes": l.MaxBodyBytes, "connections": int64(l.MaxConnections)} {
		if v < 0 {
			return fmt.Errorf("limit on %s is %d; want 0 (none) or more", name, v)
		}
	}
	return nil
}

// Message is the LimitExceededException text. AWS's texts for these quotas
// are not recorded; this one names the quota and the configured value.
func Message(what string, n int) string {
	return "The request was rejected because the " + what + " quota (" + strconv.Itoa(n) + ", set on this kmsmac reference) would be exceeded."
}

// Listener caps the connections open at once at max. One over the cap is
// answered at once with HTTP 503 and a JSON body that says why, then
// closed, rather than left waiting in the backlog.
func Listener(ln net.Listener, max int) net.Listener {
	return &listener{Listener: ln, sem: make(chan struct{}, max), max: max}
}

type listener struct {
	net.Listener
	sem chan struct{}
	max int
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		select {
		case l.sem <- struct{}{}:
			return &conn{Conn: c, release: func() { <-l.sem }}, nil
		default:
			go refuse(c, l.max)
		}
	}
}

// refuse reads the request head first (clients ignore an answer that
// comes before their request), within a second, then answers and closes.
func refuse(c net.Conn, max int) {
	c.SetDeadline(time.Now().Add(time.Second))
	var head []byte
	buf := make([]byte, 4096)
	for len(head) < 64<<10 && !bytes.Contains(head, []byte("\r\n\r\n")) {
		n, err := c.Read(buf)
		head = append(head, buf[:n]...)
		if err != nil {
			break
		}
	}
	body := `{"__type":"LimitExceededException","message":"kmsmac reference: too many open connections (limit ` + strconv.Itoa(max) + `); close idle connections or raise --max-connections."}`
	fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	c.Close()
}

type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// CloseWrite half-closes the connection when the one underneath can, so
// a server's lingering close works through the cap.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
