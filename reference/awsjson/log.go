package awsjson

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// logger writes whole lines to a shared writer, one Write per line.
type logger struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// request logs one request: time, request id, status, error code ("-" on
// success), operation, duration in ms, e.g. "... 400 ValidationException
// GenerateMac 0.213ms". Only the target is client-supplied; it is cleaned
// and bounded.
func (l *logger) request(start time.Time, id string, status int, code, target string, d time.Duration) {
	op := "-"
	if o, ok := operation(target); ok {
		op = o
	} else if target != "" {
		op = target
	}
	// One field: a client-chosen space must not shift the status column.
	op = strings.ReplaceAll(safe(op), " ", "?")
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf[:0]
	b = start.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	b = append(b, ' ')
	b = append(b, id...)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	if code == "" {
		code = "-"
	}
	b = append(b, code...)
	b = append(b, ' ')
	b = append(b, op...)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, float64(d)/float64(time.Millisecond), 'f', 3, 64)
	b = append(b, "ms\n"...)
	l.w.Write(b)
	l.buf = b
}

// printf logs a free-form line (panics, Caller bugs).
func (l *logger) printf(format string, args ...any) {
	line := time.Now().UTC().Format("2006-01-02T15:04:05.000Z07:00") + " " + fmt.Sprintf(format, args...) + "\n"
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, line)
}
